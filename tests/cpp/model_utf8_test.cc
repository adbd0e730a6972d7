// model/utf8: where a text stops being UTF-8, on either side of the eight-byte ASCII
// fast path, and the repair that replaces each bad byte with U+FFFD.
#include <gtest/gtest.h>

#include "runwatch/model/utf8.h"

namespace runwatch {
namespace {

TEST(Utf8, ABadByteIsFoundAtEveryOffsetOfALongAsciiText) {
  for (size_t at = 0; at < 40; ++at) {
    std::string text(40, 'a');
    text[at] = '\x86';
    EXPECT_EQ(invalid_utf8_at(text), at) << "bad byte at " << at;
  }
  EXPECT_EQ(invalid_utf8_at(std::string(40, 'a')), std::nullopt);
}

TEST(Utf8, SequencesAreCheckedWhereverTheyStart) {
  const std::string euro = "\xE2\x82\xAC";
  for (size_t at = 0; at < 20; ++at) {
    std::string valid(at, 'a');
    valid.append(euro).append(20, 'b');
    EXPECT_TRUE(is_valid_utf8(valid)) << at;
    std::string cut(at, 'a');
    cut.append(euro, 0, 2).append(20, 'b');
    EXPECT_EQ(invalid_utf8_at(cut), at) << at;
  }
  EXPECT_EQ(invalid_utf8_at("12345678\xC0\x80"), 8u);      // overlong
  EXPECT_EQ(invalid_utf8_at("12345678\xED\xA0\x80"), 8u);  // a surrogate
  EXPECT_EQ(invalid_utf8_at("1234567\xF4\x90\x80\x80"), 7u);  // past U+10FFFF
}

TEST(Utf8, RepairReplacesEachBadByte) {
  EXPECT_EQ(repair_utf8("caf\xC3 ok \x86\x87"), "caf\xEF\xBF\xBD ok \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repair_utf8("d\xC3\xA9j\xC3\xA0"), "d\xC3\xA9j\xC3\xA0");
}

}  // namespace
}  // namespace runwatch
