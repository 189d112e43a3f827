# One place for compiler strictness: every gpoc target calls gpoc_strict_warnings().
# -Wnull-dereference is left out: at -O2 GCC 12 reports paths it invented itself.
function(gpoc_strict_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
    -Wmissing-prototypes -Wold-style-definition -Wcast-qual -Wpointer-arith
    -Wwrite-strings -Wvla -Wundef
    $<$<C_COMPILER_ID:GNU>:-Wlogical-op -Wduplicated-cond -Wduplicated-branches>
    # Tests split "\xC3\xBC" "e" on purpose (a hex escape would swallow the "e").
    $<$<C_COMPILER_ID:Clang>:-Wno-string-concatenation>
    $<$<BOOL:${GPOC_WERROR}>:-Werror>)
endfunction()
