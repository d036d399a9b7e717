// Command-line splitting for case files: the same quoting rules as redis-cli
// (sdssplitargs): "double quotes" with \n \r \t \b \a \\ \" \xHH escapes, 'single quotes'
// with only \' as escape, and a closing quote must end the token.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace keyshard::compat {

struct ArgToken {
  std::string text;
  bool quoted = false;  // any part of the token was inside quotes
  size_t begin = 0;     // offset of the token in the line
  size_t end = 0;       // one past its last character
};

// Splits `line` into tokens. Returns nullopt and sets *error on unbalanced quotes. With
// stop_at_arrow, splitting ends after an unquoted "=>" token (the expected reply follows it).
std::optional<std::vector<ArgToken>> SplitArgs(const std::string& line, std::string* error,
                                               bool stop_at_arrow = false);

// Renders one argument so that SplitArgs reads it back unchanged: plain when it is a safe
// word, otherwise double-quoted with escapes.
std::string QuoteArg(const std::string& arg);

// Renders a whole command line.
std::string FormatCommand(const std::vector<std::string>& argv);

}  // namespace keyshard::compat
