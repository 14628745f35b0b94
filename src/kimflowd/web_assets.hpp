// The web pages' files (src/kimflowd/web/), compiled into kimflowd by web/embed.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace kimflowd {

/// One file the service serves under /assets/ (index.html under /).
struct WebAsset {
    std::string_view name;
    std::string_view media_type;
    std::string_view body;
    /// `"…"`: a digest of the body, made by the build.
    std::string_view etag;
};

/// Every file, as the build found it.
const std::vector<WebAsset>& web_assets();

}  // namespace kimflowd
