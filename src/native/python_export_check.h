#pragma once
// The Python exporter's naming rules and a check of the shape of what it writes (ExportPython, native.h).
//
// Scenario names are untrusted text: the exporter puts them in the program only as ASCII string literals
// and names each group's function `task_<name, sanitised>` (with a numeric suffix on any collision).
// CheckExportedProgramShape verifies that, without Python, on any program: the fuzzer and the unit tests
// run it over hostile scenarios.
#include <set>
#include <string>
#include <string_view>

#include "scenario/scenario.h"

namespace interleave::native {

// True if `program` has the exporter's shape: printable ASCII and newlines only; the shebang and
// `# -*- coding: utf-8 -*-` on lines 1 and 2; the embedded probe exactly once; and on every other line,
// outside double-quoted literals (which close on their line and hold only \xNN, \uNNNN, \UNNNNNNNN
// escapes), only the exporter's own identifiers, the `task_...` functions it defines once each, numbers,
// its punctuation and its fixed comments. Otherwise false, with the first problem in `why`.
bool CheckExportedProgramShape(const std::string& program, std::string& why);
// The same, and every name of `scenario` (scenario, task groups, locks and counters) is the value of one
// of the program's literals, and there is one `task_...` function per task group.
bool CheckExportedProgramShape(const std::string& program, const scenario::Scenario& scenario, std::string& why);

// The Python string literal of `text`: ASCII only, printable characters other than `"` and `\` as they
// are, everything else as \xNN, \uNNNN or \UNNNNNNNN (decoded from UTF-8; an invalid byte is U+FFFD).
std::string PythonStringLiteral(std::string_view text);

// The names probe.py binds at its top level, read from the embedded text (the program must not rebind them).
const std::set<std::string>& ProbeTopLevelNames();
// Python's keywords (soft ones included) and builtins, 3.8 to 3.14: no function of the program takes them.
bool IsPythonReservedName(std::string_view name);

}  // namespace interleave::native
