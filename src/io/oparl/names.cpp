// Names, URLs and file names of OParl objects (see names.hpp).
#include "names.hpp"

#include "kimflow/core/text.hpp"

#include <cstdint>

namespace kimflow::oparl::detail {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

std::string type_url(std::string_view name) { return "https://schema.oparl.org/1.1/" + std::string(name); }

std::string percent_decode(std::string_view s)
{
    auto value = [](char c) {
        return is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && value(s[i + 1]) >= 0 && value(s[i + 2]) >= 0) {
            out += static_cast<char>(value(s[i + 1]) * 16 + value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// `Ausschuss für Kultur, Sport und Vielfalt` → `ausschuss-fuer-kultur-sport-und-vielfalt`.
std::string slug(std::string_view name)
{
    std::string out;
    bool gap = false;
    auto put = [&](std::string_view part) {
        if (gap && !out.empty()) out += '-';
        gap = false;
        out += part;
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_alnum(c)) {
            const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            put(std::string_view(&lower, 1));
        } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < name.size()) {
            switch (static_cast<unsigned char>(name[++i])) {  // UTF-8 of ä Ä ö Ö ü Ü ß
            case 0xA4:
            case 0x84: put("ae"); break;
            case 0xB6:
            case 0x96: put("oe"); break;
            case 0xBC:
            case 0x9C: put("ue"); break;
            case 0x9F: put("ss"); break;
            default: gap = true;
            }
        } else {
            gap = true;
        }
    }
    return out.empty() ? "unnamed" : out;
}

/// A short stable hash (FNV-1a), to tell apart names that give the same slug.
std::string short_hash(std::string_view s)
{
    std::uint32_t h = 2166136261u;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    static const char* hex = "0123456789abcdef";
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

/// Agenda item numbers compared as people read them: 9.2 < 10.1, 9 < 9.1 < 9a.
bool natural_less(std::string_view a, std::string_view b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            std::size_t i2 = i, j2 = j;
            while (i2 < a.size() && is_digit(a[i2])) ++i2;
            while (j2 < b.size() && is_digit(b[j2])) ++j2;
            std::string_view x = a.substr(i, i2 - i), y = b.substr(j, j2 - j);
            while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
            while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
            if (x.size() != y.size()) return x.size() < y.size();
            if (x != y) return x < y;
            i = i2;
            j = j2;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    return i == a.size() && j < b.size();
}

/// A file name of letters, digits, `.`, `_` and `-`.
std::string safe_file_name(std::string_view s)
{
    std::string out;
    for (char c : s) out += is_alnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
    if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
    if (out.size() > 120) out.resize(120);
    return out;
}

std::string id_key(std::string_view url)
{
    for (std::string_view scheme : {"https://", "http://"})
        if (url.substr(0, scheme.size()) == scheme) return std::string(url.substr(scheme.size()));
    return std::string(url);
}

std::string tidy(std::string_view text)
{
    std::string out;
    bool gap = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        // Other control characters count as blanks too: some RIS write them into names (ALLRIS's
        // U+0004), and a one-line text may hold none (kimflow/core/input.hpp).
        bool blank = c < 0x20 || c == 0x7F;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            blank = true;  // U+00A0 NO-BREAK SPACE
            ++i;
        } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   static_cast<unsigned char>(text[i + 2]) == 0xAF) {
            blank = true;  // U+202F NARROW NO-BREAK SPACE
            i += 2;
        }
        if (blank) {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += text[i];
    }
    return out;
}

std::size_t referral_name_at(std::string_view result)
{
    for (std::string_view referred_to : {"verwiesen an ", "verwiesen in "}) {
        auto at = kimflow::find_folded(result, referred_to);
        if (at == std::string_view::npos) continue;
        at += referred_to.size();
        // "an" names the committee as the lifecycle writes it ("an Die Grünen" stays whole);
        // "in" comes with an article.
        if (referred_to == "verwiesen in ")
            for (std::string_view article : {"den ", "die ", "das ", "dem ", "der "})
                if (kimflow::fold_case(result.substr(at, article.size())) == article) return at + article.size();
        return at;
    }
    return std::string_view::npos;
}

std::string origin_of(std::string_view url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    const auto path = url.find('/', scheme + 3);
    return std::string(url.substr(0, path));
}

}  // namespace kimflow::oparl::detail
