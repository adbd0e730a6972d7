#pragma once
// Static checks of monitoring flows, reported as warnings: Flow triggers that can never
// fire, ExecutionStatus conditions waiting for states their trigger never sees,
// ExecutionFlow conditions naming flows that are not loaded, and flows whose Flow
// triggers start each other in a loop.
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"

namespace runwatch {

struct LintScope {
  // The loaded flows (the linted flow may be among them). Empty: not known, and the
  // checks that need them (unknown ExecutionFlow targets, loops) are skipped.
  std::vector<const Flow*> flows;
};

std::vector<ValidationIssue> lint_flow(const Flow& flow, const LintScope& scope = {});

}  // namespace runwatch
