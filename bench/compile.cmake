# bench_compile: an intent with N grants compiled to every artifact (bench_compile.c).
if(TARGET gpoc_api)
  add_executable(bench_compile ${CMAKE_CURRENT_LIST_DIR}/bench_compile.c)
  target_link_libraries(bench_compile PRIVATE gpoc_api PkgConfig::YAML)
  target_compile_definitions(bench_compile PRIVATE GPOC_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gpoc_strict_warnings(bench_compile)
endif()
