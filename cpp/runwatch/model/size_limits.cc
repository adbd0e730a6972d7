#include "runwatch/model/size_limits.h"

#include <stdexcept>
#include <string>

namespace runwatch {

void check_text_size(size_t size, std::string_view what) {
  if (size > kMaxTextBytes)
    throw std::length_error(std::string(what) + ": the text would be longer than " + std::to_string(kMaxTextBytes >> 20) +
                            " MiB");
}

void check_collection_size(size_t size, std::string_view what) {
  if (size > kMaxCollectionSize)
    throw std::length_error(std::string(what) + ": the collection would have more than " +
                            std::to_string(kMaxCollectionSize) + " elements");
}

}  // namespace runwatch
