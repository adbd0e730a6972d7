// Byte sizes as Micronaut reads them: digits and KB, MB or GB (KiB-style too), bounded.
#include <gtest/gtest.h>

#include "runwatch/model/byte_size.h"

namespace runwatch {
namespace {

TEST(ByteSize, DigitsWithAnOptionalBinaryUnit) {
  EXPECT_EQ(parse_byte_size("512"), 512);
  EXPECT_EQ(parse_byte_size("0"), 0);
  EXPECT_EQ(parse_byte_size("1KB"), 1024);
  EXPECT_EQ(parse_byte_size("10mb"), 10 << 20);
  EXPECT_EQ(parse_byte_size("2 GiB"), std::int64_t{2} << 30);
  EXPECT_EQ(parse_byte_size("1024GB"), kMaxByteSize);
}

TEST(ByteSize, AnythingElseOrPastOneTerabyteIsRefused) {
  for (const char* text : {"", "lots", "-1", "1.5MB", "1TB", "1K", "1KBB", "1 KiBx", "KB", " 1KB", "1025GB",
                           "99999999999999999999999999", "1099511627777"})
    EXPECT_EQ(parse_byte_size(text), std::nullopt) << text;
}

}  // namespace
}  // namespace runwatch
