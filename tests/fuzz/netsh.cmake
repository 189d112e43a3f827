# netsh checker (lines and whole -f scripts) and the cmd.exe, netsh and PowerShell
# quoters: the checker accepts or points at the problem; rules it reads that the
# writer accepts re-read identically; quoted values read back exactly through the
# independent readers of tests/netsh/readers.c.
gpoc_fuzz_target(fuzz_netsh SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_netsh.c
                 ${PROJECT_SOURCE_DIR}/tests/netsh/readers.c LIBS gpoc_netsh)
target_include_directories(fuzz_netsh PRIVATE ${PROJECT_SOURCE_DIR}/tests/netsh)
