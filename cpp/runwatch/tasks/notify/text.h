#pragma once
// The text of messages: answer bodies shown in errors and outputs (they may be long,
// binary or cut mid-character), and the conversions each channel's markup needs.
#include <cstddef>
#include <string>
#include <string_view>

namespace runwatch {

// At most max_bytes of text, never cutting a character, invalid bytes shown as U+FFFD,
// and "..." when something was left out.
std::string excerpt(std::string_view text, std::size_t max_bytes);

// Text shown as itself inside HTML, attribute values included.
std::string html_escaped(std::string_view text);
// Text shown as itself under Telegram's MarkdownV2 (every reserved character escaped).
std::string markdown_v2_escaped(std::string_view text);
// Kestra's MessageService.toSlackMrkdwn: **bold**, __italic__ and [text](url) in Slack's
// syntax, never across a line end.
std::string slack_mrkdwn(std::string_view text);

}  // namespace runwatch
