#include "runwatch/tasks/notify/text.h"

#include "runwatch/model/utf8.h"

namespace runwatch {
namespace {

// Java's replaceAll of `open(.*?)close` by before + $1 + after: the shortest match, never
// across a line end. With `middle`, the pattern is `open(.*?)middle(.*?)close` and the
// replacement before + $2 + between + $1 + after (a Markdown link as Slack's <url|text>).
// Linear in the text: each search starts past the previous one, so its answer is kept
// until the scan passes it (a line of a million '[' would otherwise be quadratic).
std::string replace_delimited(std::string_view text, std::string_view open, std::string_view middle,
                              std::string_view close, std::string_view before, std::string_view between,
                              std::string_view after) {
  struct NextOf {
    std::string_view needle;
    size_t found = 0;
    bool searched = false;
    size_t at_or_after(std::string_view text, size_t from) {
      if (!searched || (found != std::string_view::npos && found < from)) found = text.find(needle, from);
      searched = true;
      return found;
    }
  };
  NextOf line_end{"\n"}, next_middle{middle}, next_close{close};
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, open.size()) == open) {
      size_t end_of_line = std::min(line_end.at_or_after(text, i), text.size());
      size_t first_end = i + open.size();
      size_t second_start = first_end;
      bool found = true;
      if (!middle.empty()) {
        first_end = next_middle.at_or_after(text, first_end);
        found = first_end < end_of_line;
        second_start = first_end + middle.size();
      }
      size_t close_at = found ? next_close.at_or_after(text, second_start) : std::string_view::npos;
      if (found && close_at < end_of_line) {
        std::string_view second = text.substr(second_start, close_at - second_start);
        std::string_view first = middle.empty() ? second : text.substr(i + open.size(), first_end - i - open.size());
        out.append(before);
        out.append(middle.empty() ? first : second);
        if (!middle.empty()) out.append(between).append(first);
        out.append(after);
        i = close_at + close.size();
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  // Enough bytes that the last character kept is whole; repairing never shrinks text.
  std::string out = repair_utf8(text.substr(0, max_bytes + 4));
  if (out.size() <= max_bytes && text.size() <= max_bytes + 4) return out;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "...";
}

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_v2_escaped(std::string_view text) {
  constexpr std::string_view kReserved = "_*[]()~`>#+-=|{}.!\\";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (kReserved.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string slack_mrkdwn(std::string_view text) {
  std::string bold = replace_delimited(text, "**", "", "**", "*", "", "*");
  std::string italic = replace_delimited(bold, "__", "", "__", "_", "", "_");
  return replace_delimited(italic, "[", "](", ")", "<", "|", ">");
}

}  // namespace runwatch
