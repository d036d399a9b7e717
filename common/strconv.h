#pragma once
// Number <-> text conversions with Redis's exact acceptance rules, shared by the protocol
// parser (bulk lengths) and the commands (integer and float arguments).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ks {

// Redis's string2ll: optional '-', no '+', no leading zeros, no spaces, fits in int64.
bool StrToLL(std::string_view s, int64_t* out);
// Redis's string2ld (INCRBYFLOAT): strtold over the whole string, no spaces, not NaN.
bool StrToLD(std::string_view s, long double* out);
// Redis's string2d / getDoubleFromObject: strtod over the whole string, no spaces, not NaN;
// "inf", "+inf", "-inf" accepted.
bool StrToD(std::string_view s, double* out);

// Redis's parseScanCursorOrReply: strtoul rules (optional sign, a negative value wraps, the
// empty string is 0) but no leading space and no overflow. For SCAN/HSCAN/SSCAN/ZSCAN.
bool StrToScanCursor(std::string_view s, uint64_t* out);

// Writes v in decimal into buf (at least 21 bytes); returns the text.
std::string_view LLToStr(int64_t v, char* buf);
// Long double as INCRBYFLOAT prints it (%.17Lf, trailing zeros and dot removed).
std::string LDToStr(long double v);
// Double as Redis prints scores and RESP3 doubles (%.17g; "inf"/"-inf").
std::string DToStr(double v);

// Redis's stringmatchlen: glob with * ? [a-z] [^a] and \ escapes.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// ASCII lower-casing and case-insensitive comparison for command names and options.
bool EqualsNoCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// Redis's sdscatrepr: s quoted, with C escapes for quotes, backslashes, control characters and
// non-printable bytes (\xNN), appended to out (MONITOR lines, the Lua debugger's log).
void AppendRepr(std::string& out, std::string_view s);

// True if the space-separated list has exactly this word (a command row's flags, tips or ACL
// categories: "nondeterministic_output" must not match "nondeterministic_output_order").
bool HasWord(std::string_view list, std::string_view word);

}  // namespace ks
