// The OpenAPI 3 document of the API (src/kimflowd/openapi.json, compiled in).
#pragma once

#include <string>

namespace kimflowd {

/// The document's text.
const std::string& openapi_document();

}  // namespace kimflowd
