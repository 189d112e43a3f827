# Intent loader and checker: any bytes load or are refused with a diagnostic at a
# real position; trees keep the language's shape and limits; successful intents are
# complete (see the properties in fuzz_intent.c).
gpoc_fuzz_target(fuzz_intent SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_intent.c LIBS gpoc_intent)
