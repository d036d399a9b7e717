#include "tools/compat/args.h"

#include <cctype>

#include "tools/compat/reply.h"

namespace keyshard::compat {

namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::optional<std::vector<ArgToken>> SplitArgs(const std::string& line, std::string* error,
                                               bool stop_at_arrow) {
  std::vector<ArgToken> out;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return out;
    ArgToken tok;
    tok.begin = i;
    bool in_dq = false, in_sq = false, done = false;
    // At a closing quote: what follows must be a space or the end (as in sdssplitargs).
    auto close_quote = [&] {
      ++i;
      if (i < n && !IsSpace(line[i])) {
        *error = "closing quote must be followed by a space";
        return false;
      }
      done = true;
      return true;
    };
    while (!done) {
      if (in_dq) {
        if (i >= n) {
          *error = "unbalanced double quotes";
          return std::nullopt;
        }
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHex(line[i + 2]) &&
            IsHex(line[i + 3])) {
          tok.text += static_cast<char>(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3]));
          i += 4;
        } else if (c == '\\' && i + 1 < n) {
          char e = line[i + 1];
          switch (e) {
            case 'n': tok.text += '\n'; break;
            case 'r': tok.text += '\r'; break;
            case 't': tok.text += '\t'; break;
            case 'b': tok.text += '\b'; break;
            case 'a': tok.text += '\a'; break;
            default: tok.text += e; break;
          }
          i += 2;
        } else if (c == '"') {
          if (!close_quote()) return std::nullopt;
        } else {
          tok.text += c;
          ++i;
        }
      } else if (in_sq) {
        if (i >= n) {
          *error = "unbalanced single quotes";
          return std::nullopt;
        }
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          tok.text += '\'';
          i += 2;
        } else if (c == '\'') {
          if (!close_quote()) return std::nullopt;
        } else {
          tok.text += c;
          ++i;
        }
      } else {
        if (i >= n || IsSpace(line[i])) {
          done = true;
        } else if (line[i] == '"') {
          in_dq = tok.quoted = true;
          ++i;
        } else if (line[i] == '\'') {
          in_sq = tok.quoted = true;
          ++i;
        } else {
          tok.text += line[i++];
        }
      }
    }
    tok.end = i;
    const bool arrow = stop_at_arrow && !tok.quoted && tok.text == "=>";
    out.push_back(std::move(tok));
    if (arrow) return out;
  }
}

std::string QuoteArg(const std::string& arg) {
  // '#' and '@' would start a comment or a directive at the beginning of a case-file line.
  bool plain = !arg.empty() && arg != "=>" && arg[0] != '#' && arg[0] != '@';
  for (unsigned char c : arg) {
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\') {
      plain = false;
      break;
    }
  }
  return plain ? arg : QuoteBytes(arg);
}

std::string FormatCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i) out += ' ';
    out += QuoteArg(argv[i]);
  }
  return out;
}

}  // namespace keyshard::compat
