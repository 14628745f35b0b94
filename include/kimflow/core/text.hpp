/// @file
/// Text from outside (ids, payload fields, organisation names) as kimflow checks and compares
/// it: one UTF-8 check, one case folding and one trim for the whole library, so that a name is
/// the same name everywhere (a consent recipient, a policy's owner, an enum value, an OParl
/// vocabulary word). Compiled in the library over utf8proc; its header stays private.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kimflow {

/// The offset of the first byte of @p text that is not part of well-formed UTF-8 (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF), or npos if there is none.
/// A sequence cut short at the end counts as ill-formed at its first byte.
std::size_t invalid_utf8_at(std::string_view text) noexcept;

/// Whether @p text is well-formed UTF-8 (see invalid_utf8_at()).
inline bool valid_utf8(std::string_view text) noexcept { return invalid_utf8_at(text) == std::string_view::npos; }

/// @p text as an error message may quote it: bytes that are not UTF-8 and control characters
/// written as `\xFF`, `\n`, and, beyond @p max bytes, cut off with its length noted. Messages
/// quote what the user gave; this keeps them short and printable (and valid JSON text) even
/// when the input was neither.
std::string printable(std::string_view text, std::size_t max = 80);

/// @p text case-folded as Unicode defines it (full folding, then NFC), so that `Ärztekammer`,
/// `ÄRZTEKAMMER` and a decomposed `A` + `◌̈` spelling fold alike, and `Straße` folds as
/// `STRASSE` does. Bytes that are not UTF-8 are kept, with only ASCII letters folded.
std::string fold_case(std::string_view text);

/// Whether @p a and @p b are equal after fold_case().
bool equal_folded(std::string_view a, std::string_view b);

/// Where @p word first occurs in @p text, compared case-folded: the byte offset in @p text
/// (whose folded length may differ from the word's), or npos.
std::size_t find_folded(std::string_view text, std::string_view word);

/// @p text with every byte but RFC 3986's unreserved characters (letters, digits, `-._~`)
/// percent-encoded, so that an id such as `14/1923` is one URL path segment: `14%2F1923`.
std::string percent_encode(std::string_view text);

/// @p text without the blanks around it: spaces, tabs, line breaks and no-break spaces (U+00A0),
/// which forms and spreadsheets leave around names.
std::string_view trim(std::string_view text) noexcept;

/// An organisation's name as kimflow compares it (policies, store keys, queries): trimmed,
/// case-folded (fold_case()), and blanks and underscores as hyphens. So "Kreis Recklinghausen"
/// and `kreis-recklinghausen` name one organisation, as do "Caritas" and `caritas`, and
/// "Ärztekammer" and "ÄRZTEKAMMER".
std::string organization_key(std::string_view name);

}  // namespace kimflow
