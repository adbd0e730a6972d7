#pragma once
// Resolving a plugin type name through the catalog, with a helpful message when it fails.
#include <string>
#include <string_view>

#include "runwatch/model/schema.h"

namespace runwatch {

struct TypeLookup {
  const TypeSchema* schema = nullptr;  // null when the type cannot be used
  std::string error;                   // why, when schema is null
};

// An unknown name gets the closest known names. A real Kestra type that runwatch does not
// implement, or any type of a plugin package runwatch has nothing of, is "unsupported".
TypeLookup lookup_type(const TypeCatalog& catalog, PluginKind kind, std::string_view name);

}  // namespace runwatch
