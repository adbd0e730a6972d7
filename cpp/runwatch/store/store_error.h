#pragma once
#include "runwatch/model/error.h"

namespace runwatch::store {

// The store cannot be opened, read or written: the message says which file and why.
class StoreError : public Error {
 public:
  explicit StoreError(const std::string& message) : Error(message, ErrorKind::Unavailable) {}
};

}  // namespace runwatch::store
