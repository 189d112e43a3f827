#ifndef GPOC_REVIEW_PLAN_INTERNAL_H
#define GPOC_REVIEW_PLAN_INTERNAL_H

// Shared by plan.c (the diff and its notes) and plan_output.c (the documents).

#include "core/strbuf.h"
#include "review/plan.h"

// `text` as a CommonMark code span whose fence is longer than any backtick run in
// it; control characters as \xNN.
void md_code(struct strbuf *out, const char *text);

#endif
