// The exporter's naming rules (string literals, reserved names, the probe's names) and the structural
// check of its output. The check is written apart from the exporter, from the shape the exporter promises
// (python_export_check.h), so that a slip in one is caught by the other.
#include "native/python_export_check.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "native/embedded.h"

namespace interleave::native {

namespace {

// Decodes the UTF-8 sequence at text[i] (well-formed as in Unicode's table 3-7: no overlongs, surrogates
// or code points past U+10FFFF) and moves past it; a byte that starts none is U+FFFD and moves one byte.
char32_t NextCodePoint(std::string_view text, size_t& i) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) return ++i, lead;
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    char32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        cp = lead & 0x0F;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        cp = lead & 0x07;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    }
    if (length == 0 || i + length > text.size()) return ++i, 0xFFFD;
    for (size_t k = 1; k < length; ++k) {
        const unsigned char b = static_cast<unsigned char>(text[i + k]);
        if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return ++i, 0xFFFD;
        cp = (cp << 6) | (b & 0x3F);
    }
    i += length;
    return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The text as Python will read it back from its literal: invalid UTF-8 bytes replaced by U+FFFD.
std::string ValidUtf8(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();)
        AppendUtf8(out, NextCodePoint(text, i));
    return out;
}

bool IsIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsIdentChar(char c) {
    return IsIdentStart(c) || IsDigit(c);
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '(' || s.back() == ')'))
        s.remove_suffix(1);
    while (!s.empty() && s.front() == '(')
        s.remove_prefix(1);
    return s;
}

std::string_view Word(std::string_view s, size_t& i) {
    const size_t start = i;
    while (i < s.size() && IsIdentChar(s[i]))
        ++i;
    return s.substr(start, i - start);
}

// `import a.b as c, d` binds c and d; `from m import x as y, z` binds y and z.
void AddImported(std::string_view list, bool dotted, std::set<std::string>& out) {
    while (!list.empty()) {
        const size_t comma = list.find(',');
        std::string_view item = Trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const size_t as = item.find(" as ");
        if (as != std::string_view::npos)
            item = Trim(item.substr(as + 4));
        else if (dotted)
            item = item.substr(0, item.find('.'));
        if (!item.empty()) out.emplace(item);
    }
}

// The names one unindented line of probe.py binds: def, class, import, from-import, `name =`, `name: T =`.
// Bindings this misses (a tuple target, one inside a top-level `if`) are caught by the test that compares
// these names with probe.py's syntax tree.
void ScanTopLevelLine(std::string_view line, std::set<std::string>& out) {
    if (line.empty() || !IsIdentStart(line[0])) return;
    size_t i = 0;
    std::string_view word = Word(line, i);
    auto skipSpaces = [&] {
        while (i < line.size() && line[i] == ' ')
            ++i;
    };
    if (word == "async") {
        skipSpaces();
        word = Word(line, i);
        if (word != "def") return;
    }
    if (word == "def" || word == "class") {
        skipSpaces();
        std::string_view name = Word(line, i);
        if (!name.empty()) out.emplace(name);
        return;
    }
    if (word == "import") return AddImported(line.substr(i), true, out);
    if (word == "from") {
        const size_t at = line.find(" import ");
        if (at != std::string_view::npos) AddImported(line.substr(at + 8), false, out);
        return;
    }
    skipSpaces();
    if (i < line.size() && ((line[i] == '=' && (i + 1 >= line.size() || line[i + 1] != '=')) || line[i] == ':'))
        out.emplace(word);
}

// Every identifier the exporter writes outside literals and outside the probe, besides its `task_...`
// functions and its `payload<N>` globals.
constexpr std::string_view kIdentifiers[] = {
    "N",
    "coros",
    "coro",
    "group_all",
    "gather_all",
    "kid",
    "kids",
    "first",
    "cursor",
    "name",
    "io_start",
    "reply_at",
    "Event",
    "Lock",
    "Queue",
    "Pool",
    "SCENARIO",
    "Semaphore",
    "SimpleNamespace",
    "SystemExit",
    "TaskGroup",
    "Thread",
    "ThreadPoolExecutor",
    "True",
    "False",
    "None",
    "ValueError",
    "__name__",
    "_",
    "_is_gil_enabled",
    "aacquire",
    "acquire",
    "aget",
    "and",
    "aio",
    "aput",
    "await_event",
    "args",
    "as",
    "async",
    "asyncio",
    "await",
    "batches",
    "bytes",
    "c_call",
    "chunksize",
    "concurrent",
    "counters",
    "cpu",
    "create_task",
    "ctx",
    "def",
    "dict",
    "done",
    "eager_task_factory",
    "except",
    "finish",
    "events",
    "for",
    "from",
    "futures",
    "future",
    "submit",
    "as_completed",
    "thread_name_prefix",
    "gather",
    "get",
    "get_context",
    "get_running_loop",
    "global",
    "globals",
    "hasattr",
    "i",
    "if",
    "import",
    "in",
    "initializer",
    "io",
    "items",
    "join",
    "k",
    "list",
    "locks",
    "main",
    "map",
    "max_workers",
    "maxsize",
    "multiprocessing",
    "not",
    "pass",
    "payload",
    "pool",
    "pool_starting",
    "probe",
    "put",
    "queue",
    "queues",
    "raise",
    "range",
    "records",
    "release",
    "result",
    "return",
    "return_exceptions",
    "run",
    "run_batch",
    "run_task",
    "semaphore",
    "set",
    "spin",
    "set_task_factory",
    "start",
    "startswith",
    "str",
    "swallow",
    "sys",
    "target",
    "task",
    "tasks",
    "tg",
    "thread",
    "threading",
    "threads",
    "to_thread",
    "try",
    "types",
    "v",
    "version_info",
    "wait_event",
    "with",
    "work",
    "worker_init",
    "pool_worker_init",
    "shared_queues",
    "Pipe",
    "duplex",
    "pipe_send",
    "pipe_recv",
    "update",
    "initargs",
};

// Every comment the exporter writes (from `#` to the end of the line), besides the header's.
constexpr std::string_view kComments[] = {
    "# pure Python",
    "# hashlib: releases the GIL",
    "# blocking I/O",
    "# blocking I/O: the reply to the previous one",
    "# await asyncio.sleep",
    "# the request, blocking",
    "# time.sleep: blocks",
    "# time.sleep: blocks the loop",
    "# asyncio.to_thread",
    "# returned, pickled",
    "# the first failure cancelled the rest",
    "# sent to the worker, pickled",
    "# every result is back; the pool's teardown follows",
    "# Run it on a free-threaded build (python3.13t) to see threads without a GIL.",
    "# Run it with PYTHON_GIL=1 on a free-threaded build: its GIL switched back on.",
    "# The scenario's names appear only inside the string literals below, escaped to ASCII.",
    "# One function per task group.",
    "# what Pool.map computes for this many tasks and workers",
    "# one batch of consecutive tasks per worker, as every runner splits them",
    "# the ids of what it starts below it",
    "# the children's ids, then what each of them starts",
    "# an event loop of their own",
    "# blocks the loop",
    "# One function per children step: a coroutine where a loop runs them (gather, task_group), else a thread's target.",
    "# multiprocessing queues and pipes: run() makes them, pool_worker_init() hands them to each worker",
    "# main_imports: what the program's own imports cost. Every process that runs this module pays it: the parent",
    "# before run(), and a spawned worker, a forkserver worker (3.11, 3.12) or the fork server (later releases) again.",
};
constexpr std::string_view kHeaderStart = "# Generated by `interleave export-python` (docs/real-runs.md): model ";
constexpr std::string_view kShebang = "#!/usr/bin/env python3";
constexpr std::string_view kCoding = "# -*- coding: utf-8 -*-";
constexpr std::string_view kPunctuation = "()[]{}:,.=+-*%<>";

bool AllowedComment(std::string_view comment) {
    if (std::find(std::begin(kComments), std::end(kComments), comment) != std::end(kComments)) return true;
    if (comment.size() > kHeaderStart.size() + 1 && comment.substr(0, kHeaderStart.size()) == kHeaderStart &&
        comment.back() == '.') {
        std::string_view model = comment.substr(kHeaderStart.size(), comment.size() - kHeaderStart.size() - 1);
        return std::all_of(model.begin(), model.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    }
    return false;
}

// The lines of a children step that call the children's function (python_runner.cpp's Gen::Children).
bool StartsChildren(std::string_view line) {
    line = Trim(line);
    for (std::string_view start : {"asyncio.run(gather_all([", "asyncio.run(group_all([", "await asyncio.gather(*[",
                                   "tg.create_task(", "kids = [threading.Thread(target=", "futures = [pool.submit("})
        if (line.substr(0, start.size()) == start) return true;
    return false;
}

bool AllowedIdentifier(std::string_view word, const std::set<std::string, std::less<>>& functions) {
    if (std::find(std::begin(kIdentifiers), std::end(kIdentifiers), word) != std::end(kIdentifiers)) return true;
    if (word.size() > 7 && word.substr(0, 7) == "payload") return std::all_of(word.begin() + 7, word.end(), IsDigit);
    return functions.count(word) > 0;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads the literal that starts at line[i] (a `"`) into `value` (UTF-8); `i` ends past its closing quote.
bool ReadLiteral(std::string_view line, size_t& i, std::string& value, std::string& problem) {
    for (++i; i < line.size();) {
        const char c = line[i];
        if (c == '"') return ++i, true;
        if (c != '\\') {
            value += c;
            ++i;
            continue;
        }
        const char kind = i + 1 < line.size() ? line[i + 1] : '\0';
        const size_t digits = kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
        if (digits == 0 || i + 2 + digits > line.size())
            return problem = "a backslash in a literal not followed by xNN, uNNNN or UNNNNNNNN", false;
        char32_t cp = 0;
        for (size_t k = 0; k < digits; ++k) {
            const int h = HexValue(line[i + 2 + k]);
            if (h < 0) return problem = "a malformed escape in a literal", false;
            cp = (cp << 4) | static_cast<char32_t>(h);
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return problem = "an escape in a literal that is no Unicode scalar value", false;
        AppendUtf8(value, cp);
        i += 2 + digits;
    }
    return problem = "a literal that does not close on its line", false;
}

bool CheckShape(const std::string& program, std::set<std::string>& literals, size_t& functionCount, std::string& why) {
    auto fail = [&](size_t line, const std::string& what) {
        why = "line " + std::to_string(line + 1) + ": " + what;
        return false;
    };
    std::vector<std::string_view> lines;
    size_t line = 0;
    for (size_t i = 0, start = 0; i < program.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(program[i]);
        if (c == '\n') {
            lines.push_back(std::string_view(program).substr(start, i - start));
            start = i + 1;
            ++line;
        } else if (c < 0x20 || c > 0x7E) {
            static const char kHex[] = "0123456789abcdef";
            return fail(line, std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15] +
                                  " (only printable ASCII and newlines: no NUL, tab, CR, form feed or non-ASCII)");
        }
    }
    if (program.empty() || program.back() != '\n') return fail(line, "the program does not end with a newline");
    if (lines.size() < 2 || lines[0] != kShebang || lines[1] != kCoding)
        return fail(0, "lines 1 and 2 are not the shebang and `" + std::string(kCoding) + "`");

    // The probe: once, whole lines, skipped (it is ours, and compared byte for byte).
    const std::string_view probe = EmbeddedPython("probe.py");
    if (probe.empty() || probe.back() != '\n') return fail(0, "the embedded probe is missing");
    const size_t at = program.find(probe);
    if (at == std::string::npos || (at > 0 && program[at - 1] != '\n'))
        return fail(0, "the program does not hold the probe, whole lines, unchanged");
    if (program.find(probe, at + 1) != std::string::npos) return fail(0, "the probe appears twice");
    const size_t probeFirst =
        static_cast<size_t>(std::count(program.begin(), program.begin() + static_cast<long>(at), '\n'));
    const size_t probeEnd = probeFirst + static_cast<size_t>(std::count(probe.begin(), probe.end(), '\n'));

    // The group functions: `def task_x(i):` or `async def task_x(i...):`, each once; children's `(i, name, cursor)`.
    std::set<std::string, std::less<>> functions, childFunctions;
    for (size_t n = 2; n < lines.size(); ++n) {
        if (n >= probeFirst && n < probeEnd) continue;
        std::string_view l = lines[n];
        if (l.substr(0, 6) == "async ") l.remove_prefix(6);
        if (l.substr(0, 9) != "def task_") continue;
        size_t i = 4;
        const std::string_view name = Word(l, i);
        const std::string_view rest = l.substr(i);
        if (rest != "(i):" && rest != "(i, payload=None):" && rest != "(i, name, cursor):")
            return fail(n, "a task function with an unexpected signature");
        if (!functions.emplace(name).second) return fail(n, "task function `" + std::string(name) + "` defined twice");
        if (rest == "(i, name, cursor):") childFunctions.emplace(name);
    }
    functionCount = functions.size();

    for (size_t n = 2; n < lines.size(); ++n) {
        if (n >= probeFirst && n < probeEnd) continue;
        const std::string_view l = lines[n];
        size_t i = 0;
        while (i < l.size()) {
            const char c = l[i];
            if (c == ' ') {
                ++i;
            } else if (c == '#') {
                if (!AllowedComment(l.substr(i))) return fail(n, "a comment the exporter never writes");
                break;
            } else if (c == '"') {
                if (i > 0 && IsIdentChar(l[i - 1])) return fail(n, "a literal right after a name (a string prefix)");
                std::string value, problem;
                if (!ReadLiteral(l, i, value, problem)) return fail(n, problem);
                if (i < l.size() && l[i] == '"') return fail(n, "a quote right after a literal (a triple quote)");
                literals.insert(std::move(value));
            } else if (IsIdentStart(c)) {
                const std::string_view word = Word(l, i);
                if (!AllowedIdentifier(word, functions))
                    return fail(n, "`" + std::string(word) + "` is none of the exporter's names");
                // A group function appears in its definition and in run_task's dispatch only; a child's in its
                // definition and where a children step starts the children.
                if (functions.count(word) && l.find("def " + std::string(word) + "(") == std::string_view::npos &&
                    (childFunctions.count(word) ? !StartsChildren(l) : l != "        return " + std::string(word) + "(i)"))
                    return fail(n, "task function `" + std::string(word) + "` used outside its definition and " +
                                       (childFunctions.count(word) ? "a children step" : "run_task"));
            } else if (IsDigit(c)) {
                while (i < l.size() && IsDigit(l[i]))
                    ++i;
                if (i < l.size() && (IsIdentChar(l[i]) || l[i] == '.')) return fail(n, "a malformed number");
            } else if (kPunctuation.find(c) != std::string_view::npos) {
                ++i;
            } else {
                return fail(n, std::string("`") + c + "` outside a literal");
            }
        }
    }
    return true;
}

}  // namespace

std::string PythonStringLiteral(std::string_view text) {
    static const char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (size_t i = 0; i < text.size();) {
        const char32_t cp = NextCodePoint(text, i);
        if (cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\') {
            out += static_cast<char>(cp);
            continue;
        }
        // \xNN for Latin-1, \uNNNN for the rest of the BMP, \UNNNNNNNN past it: never two surrogates.
        const int digits = cp < 0x100 ? 2 : cp < 0x10000 ? 4 : 8;
        out += '\\';
        out += digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
            out += kHex[(cp >> shift) & 0xF];
    }
    return out + "\"";
}

const std::set<std::string>& ProbeTopLevelNames() {
    static const std::set<std::string> kNames = [] {
        std::set<std::string> out;
        const std::string_view text = EmbeddedPython("probe.py");
        for (size_t pos = 0; pos < text.size();) {
            size_t end = text.find('\n', pos);
            if (end == std::string_view::npos) end = text.size();
            ScanTopLevelLine(text.substr(pos, end - pos), out);
            pos = end + 1;
        }
        return out;
    }();
    return kNames;
}

bool IsPythonReservedName(std::string_view name) {
    // keyword.kwlist and softkwlist, and dir(builtins), of CPython 3.8 to 3.14 (a test checks python3's).
    static const std::set<std::string_view> kReserved = {
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
        "_",
        "case",
        "match",
        "type",
        "print",
        "exec",
        "ArithmeticError",
        "AssertionError",
        "AttributeError",
        "BaseException",
        "BaseExceptionGroup",
        "BlockingIOError",
        "BrokenPipeError",
        "BufferError",
        "BytesWarning",
        "ChildProcessError",
        "ConnectionAbortedError",
        "ConnectionError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "DeprecationWarning",
        "EOFError",
        "Ellipsis",
        "EncodingWarning",
        "EnvironmentError",
        "Exception",
        "ExceptionGroup",
        "FileExistsError",
        "FileNotFoundError",
        "FloatingPointError",
        "FutureWarning",
        "GeneratorExit",
        "IOError",
        "ImportError",
        "ImportWarning",
        "IndentationError",
        "IndexError",
        "InterruptedError",
        "IsADirectoryError",
        "KeyError",
        "KeyboardInterrupt",
        "LookupError",
        "MemoryError",
        "ModuleNotFoundError",
        "NameError",
        "NotADirectoryError",
        "NotImplemented",
        "NotImplementedError",
        "OSError",
        "OverflowError",
        "PendingDeprecationWarning",
        "PermissionError",
        "ProcessLookupError",
        "PythonFinalizationError",
        "RecursionError",
        "ReferenceError",
        "ResourceWarning",
        "RuntimeError",
        "RuntimeWarning",
        "StopAsyncIteration",
        "StopIteration",
        "SyntaxError",
        "SyntaxWarning",
        "SystemError",
        "SystemExit",
        "TabError",
        "TimeoutError",
        "TypeError",
        "UnboundLocalError",
        "UnicodeDecodeError",
        "UnicodeEncodeError",
        "UnicodeError",
        "UnicodeTranslateError",
        "UnicodeWarning",
        "UserWarning",
        "ValueError",
        "Warning",
        "ZeroDivisionError",
        "_IncompleteInputError",
        "__build_class__",
        "__debug__",
        "__doc__",
        "__import__",
        "__loader__",
        "__name__",
        "__package__",
        "__spec__",
        "abs",
        "aiter",
        "all",
        "anext",
        "any",
        "ascii",
        "bin",
        "bool",
        "breakpoint",
        "bytearray",
        "bytes",
        "callable",
        "chr",
        "classmethod",
        "compile",
        "complex",
        "copyright",
        "credits",
        "delattr",
        "dict",
        "dir",
        "divmod",
        "enumerate",
        "eval",
        "exit",
        "filter",
        "float",
        "format",
        "frozenset",
        "getattr",
        "globals",
    "hasattr",
        "hasattr",
        "hash",
        "help",
        "hex",
        "id",
        "input",
        "int",
        "isinstance",
        "issubclass",
        "iter",
        "len",
        "license",
        "list",
        "locals",
        "map",
        "max",
        "memoryview",
        "min",
        "next",
        "object",
        "oct",
        "open",
        "ord",
        "pow",
        "property",
        "quit",
        "range",
    "records",
        "repr",
        "reversed",
        "round",
        "set",
        "setattr",
        "slice",
        "sorted",
        "staticmethod",
        "str",
        "sum",
        "super",
        "tuple",
        "vars",
        "zip",
    };
    return kReserved.count(name) > 0;
}

bool CheckExportedProgramShape(const std::string& program, std::string& why) {
    std::set<std::string> literals;
    size_t functions = 0;
    return CheckShape(program, literals, functions, why);
}

bool CheckExportedProgramShape(const std::string& program, const scenario::Scenario& scenario, std::string& why) {
    std::set<std::string> literals;
    size_t functions = 0;
    if (!CheckShape(program, literals, functions, why)) return false;
    if (functions != scenario.groups.size() + scenario.children.size()) {
        why = std::to_string(functions) + " task functions for " + std::to_string(scenario.groups.size()) +
              " task groups and " + std::to_string(scenario.children.size()) + " children steps";
        return false;
    }
    std::vector<std::string> childNames;  // a child is named under its parent: "/fetch" joins the parent's name
    for (const auto& child : scenario.children) childNames.push_back("/" + child.name);
    std::vector<const std::string*> names = {&scenario.name};
    for (const auto& group : scenario.groups)
        names.push_back(&group.name);
    for (const auto& name : scenario.names)
        names.push_back(&name);
    for (const auto& name : childNames)
        names.push_back(&name);
    for (const std::string* name : names) {
        if (!literals.count(ValidUtf8(*name))) {
            why = "no literal of the program reads back as the name " + PythonStringLiteral(*name);
            return false;
        }
    }
    return true;
}

}  // namespace interleave::native
