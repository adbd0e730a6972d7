#include "runwatch/expr/errors.h"

namespace runwatch::expr {

TemplateError::TemplateError(int line_, int column_, std::string message_)
    : runwatch::Error(message_ + " (line " + std::to_string(line_) + ", column " + std::to_string(column_) + ")"),
      line(line_),
      column(column_),
      message(std::move(message_)) {}

RenderError::RenderError(int line_, std::string message_, std::string full_text)
    : runwatch::Error(std::move(full_text)), line(line_), message(std::move(message_)) {}

UndefinedVariableError::UndefinedVariableError(int line_, std::string name_, std::string message_,
                                               std::string full_text)
    : RenderError(line_, std::move(message_), std::move(full_text)), name(std::move(name_)) {}

}  // namespace runwatch::expr
