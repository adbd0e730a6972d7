// The markup conversions of notification text: HTML escaping leaves no markup, MarkdownV2
// escaping leaves no reserved character bare, Slack's mrkdwn never grows the text nor
// breaks its UTF-8, and all of them stay linear (libFuzzer's timeout catches the rest).
#include <string>

#include "fuzz_support.h"
#include "runwatch/tasks/notify/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runwatch;
  std::string_view text = fuzz::as_text(data, size);

  std::string html = html_escaped(text);
  fuzz::require(html.find_first_of("<>\"'") == std::string::npos, "no markup survives HTML escaping");
  for (size_t at = html.find('&'); at != std::string::npos; at = html.find('&', at + 1)) {
    std::string_view rest = std::string_view(html).substr(at);
    fuzz::require(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") ||
                      rest.starts_with("&quot;") || rest.starts_with("&#39;"),
                  "every '&' starts an entity");
  }

  constexpr std::string_view kReserved = "_*[]()~`>#+-=|{}.!\\";
  std::string markdown = markdown_v2_escaped(text);
  for (size_t i = 0; i < markdown.size(); ++i) {
    if (kReserved.find(markdown[i]) == std::string_view::npos) continue;
    fuzz::require(
        markdown[i] == '\\' && i + 1 < markdown.size() && kReserved.find(markdown[i + 1]) != std::string::npos,
        "every reserved character is escaped");
    ++i;
  }

  std::string slack = slack_mrkdwn(text);
  fuzz::require(slack.size() <= text.size(), "mrkdwn is never longer than Markdown");
  if (is_valid_utf8(text)) fuzz::require_utf8(slack, "mrkdwn of UTF-8 is UTF-8");

  std::string cut = excerpt(text, size / 2);
  fuzz::require_utf8(cut, "excerpts are UTF-8");
  fuzz::require(cut.size() <= size / 2 + 3, "excerpts are bounded");
  return 0;
}
