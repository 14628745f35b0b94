// Names, URLs and file names of OParl objects, shared by export and import.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kimflow/core/text.hpp"

namespace kimflow::oparl::detail {

/// The OParl type URL kimflow writes: `https://schema.oparl.org/1.1/{name}`.
std::string type_url(std::string_view name);
/// Percent-encodes all but RFC 3986's unreserved characters (kimflow/core/text.hpp).
using kimflow::percent_encode;
/// Decodes `%XX` sequences; leaves malformed ones as they are.
std::string percent_decode(std::string_view s);
/// `Ausschuss für Kultur, Sport und Vielfalt` → `ausschuss-fuer-kultur-sport-und-vielfalt`.
std::string slug(std::string_view name);
/// A short stable hash (FNV-1a, 8 hex digits), to tell apart names that give the same slug.
std::string short_hash(std::string_view s);
/// Agenda item numbers compared as people read them: 9.2 < 10.1, 9 < 9.1 < 9a.
bool natural_less(std::string_view a, std::string_view b);
/// A file name of letters, digits, `.`, `_` and `-`.
std::string safe_file_name(std::string_view s);
/// An OParl id as import compares ids: without its scheme, so that `http://` and `https://`
/// spellings of one object (RIS mix them) are one id.
std::string id_key(std::string_view url);
/// @p text with its white space tidied: line breaks, tabs, other control characters and
/// no-break spaces (U+00A0, U+202F) as one blank, none around it (names and titles in RIS
/// output carry them).
std::string tidy(std::string_view text);
/// Where the committee's name starts in a referral's result ("verwiesen an Hauptausschuss", as
/// the lifecycle writes it; "verwiesen in den Gemeinderat", after its article): a byte offset
/// into @p result, npos if it names none. The words before it name the outcome, the words
/// after it a committee ("… an den Ausschuss für zurückgezogene Anträge").
std::size_t referral_name_at(std::string_view result);
/// The scheme and host of a URL (`https://ris.example.de`); empty if it has none.
std::string origin_of(std::string_view url);

}  // namespace kimflow::oparl::detail
