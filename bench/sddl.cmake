# bench_sddl: descriptors/s for SDDL canon + binary encode (docs/sddl.md). Built,
# never run as a test; run it from a Release build for meaningful figures.
add_executable(bench_sddl ${CMAKE_CURRENT_SOURCE_DIR}/bench_sddl.c)
target_link_libraries(bench_sddl PRIVATE gpoc_sd)
target_compile_definitions(bench_sddl PRIVATE GPOC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gpoc_strict_warnings(bench_sddl)
