#pragma once
// The compilers of each condition family, which compile() dispatches to by type.
#include "runwatch/condition/compiled_condition.h"

namespace runwatch {

// execution_conditions.cc
CompiledConditionPtr compile_execution_status(const ConditionDef& definition);
CompiledConditionPtr compile_execution_namespace(const ConditionDef& definition);
CompiledConditionPtr compile_execution_flow(const ConditionDef& definition);
CompiledConditionPtr compile_execution_labels(const ConditionDef& definition);
// flow_conditions.cc
CompiledConditionPtr compile_flow_condition(const ConditionDef& definition);
CompiledConditionPtr compile_flow_namespace_condition(const ConditionDef& definition);
// logical_conditions.cc
CompiledConditionPtr compile_or(const ConditionDef& definition);
CompiledConditionPtr compile_not(const ConditionDef& definition);
CompiledConditionPtr compile_multiple_condition(const ConditionDef& definition);
// expression_conditions.cc
CompiledConditionPtr compile_expression(const ConditionDef& definition);
CompiledConditionPtr compile_execution_outputs(const ConditionDef& definition);
// retry_condition.cc
CompiledConditionPtr compile_has_retry_attempt(const ConditionDef& definition);
// date_conditions.cc
CompiledConditionPtr compile_day_week(const ConditionDef& definition);
CompiledConditionPtr compile_day_week_in_month(const ConditionDef& definition);
CompiledConditionPtr compile_weekend(const ConditionDef& definition);
CompiledConditionPtr compile_time_between(const ConditionDef& definition);
CompiledConditionPtr compile_date_time_between(const ConditionDef& definition);

}  // namespace runwatch
