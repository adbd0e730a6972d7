#pragma once
// The schemas of Kestra's trigger types. Schedule and Webhook are here; the Flow
// trigger's is condition/flow_trigger.h's, as its preconditions are conditions.
#include <string>
#include <vector>

#include "runwatch/model/schema.h"

namespace runwatch {

std::vector<TypeSchema> trigger_schemas();
// A trigger type io.kestra.plugin.core.trigger.<short_name> (and its
// io.kestra.core.models.triggers.types alias) with `conditions` and these properties.
TypeSchema trigger_schema(const std::string& short_name, std::string description, std::vector<PropertySpec> properties);
// Its `inputs`: a mapping of input values, templated.
PropertySpec trigger_inputs(std::string description);

}  // namespace runwatch
