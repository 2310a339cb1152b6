// The Python exporter against hostile names (issue 16): names reach the program only as escaped ASCII
// literals, every group gets its own function that shadows nothing, the program compiles and runs what the
// scenario says, and nothing a name holds ever runs. Checked with CPython's own parser (when python3 is
// installed) and with CheckExportedProgramShape (always).
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "native/embedded.h"
#include "native/python_export_check.h"
#include "native_test_support.h"
#include "scenario/presets.h"

namespace interleave::native {
namespace {

using namespace testing;
using nlohmann::json;
using scenario::ModelKind;

constexpr ModelKind kKinds[] = {ModelKind::Sequential, ModelKind::Threads,        ModelKind::Processes,
                                ModelKind::Asyncio,    ModelKind::ProcessAsyncio, ModelKind::FreeThreaded};

// A fresh folder under /tmp, removed with everything in it.
struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/interleave-export-test-XXXXXX";
        if (mkdtemp(pattern)) path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

void WriteFile(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    f.close();
    ASSERT_TRUE(f) << "cannot write " << path;
}

// Runs a shell command (its arguments are our own paths, without spaces or quotes); stdout and stderr.
int Shell(const std::string& command, std::string& output) {
    output.clear();
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return -1;
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, n);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Checks programs with CPython: argv: manifest.json probe.py. For each {"file", "names", "groups"}: the
// bytes are ASCII without NUL; the module parses; no name is bound twice at the top level (the probe's
// names included) and none is a builtin; every name is a str constant of the tree, exactly; run_task calls,
// group after group, the function whose probe.task(...) names that group.
// `probe-names probe.py` prints the names probe.py binds at its top level; `reserved` prints the keywords
// and builtins of this python3.
constexpr const char* kCheckScript = R"PY(
import ast, builtins, json, keyword, sys

def bindings(node, out):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.append((node.name, node.lineno))
        return
    if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return  # a scope of its own
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for a in node.names:
            out.append(((a.asname or a.name).split(".")[0], node.lineno))
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        out.append((node.id, node.lineno))
    if isinstance(node, ast.ExceptHandler) and node.name:
        out.append((node.name, node.lineno))
    for child in ast.iter_child_nodes(node):
        bindings(child, out)

def top_level(tree):
    out = []
    for node in tree.body:
        bindings(node, out)
    return out

if sys.argv[1] == "probe-names":
    print(json.dumps(sorted({n for n, _ in top_level(ast.parse(open(sys.argv[2]).read()))})))
    sys.exit(0)
if sys.argv[1] == "reserved":
    print(json.dumps(sorted(set(dir(builtins)) | set(keyword.kwlist) | set(getattr(keyword, "softkwlist", [])))))
    sys.exit(0)

problems = []
builtin_names = set(dir(builtins))
for entry in json.load(open(sys.argv[1], encoding="utf-8")):
    path = entry["file"]
    def problem(text):
        problems.append("%s (%s): %s" % (path, entry["what"], text))
    data = open(path, "rb").read()
    if b"\0" in data:
        problem("holds a NUL byte")
    try:
        data.decode("ascii")
    except UnicodeDecodeError as e:
        problem("is not ASCII: %s" % e)
    try:
        tree = ast.parse(data)
    except SyntaxError as e:
        problem("does not parse: %s" % e)
        continue
    seen = {}
    for name, line in top_level(tree):
        if name in seen:
            problem("%r bound on line %d and again on line %d" % (name, seen[name], line))
        seen.setdefault(name, line)
        if name in builtin_names:
            problem("%r (line %d) shadows a builtin" % (name, line))
    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    for name in entry["names"]:
        if name not in constants:
            problem("no str constant is the name %r" % name)
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    run_task = functions.get("run_task")
    calls = [n.func.id for n in ast.walk(run_task) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)] if run_task else []
    ran = []
    for fn in calls:
        # The group's name: `name = "fetch" + "[%d]" % (i - 0)`, which the function's probe.task(i, name) records.
        labels = [a.value.left.value for a in ast.walk(functions[fn]) if isinstance(a, ast.Assign)
                  and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and a.targets[0].id == "name"
                  and isinstance(a.value, ast.BinOp) and isinstance(a.value.left, ast.Constant)] if fn in functions else []
        ran.append(labels[0] if len(labels) == 1 else "<%s: %r>" % (fn, labels))
    if ran != entry["groups"]:
        problem("run_task runs the groups %r, expected %r" % (ran, entry["groups"]))
for p in problems[:40]:
    print(p)
sys.exit(1 if problems else 0)
)PY";

std::string ScriptPath(const TempDir& dir) {
    const std::string path = dir.path + "/check_export.py";
    std::ifstream probe(path);
    if (!probe) WriteFile(path, kCheckScript);
    return path;
}

std::string ProbePath(const TempDir& dir) {
    const std::string path = dir.path + "/probe_source.py";
    WriteFile(path, std::string(EmbeddedPython("probe.py")));
    return path;
}

// A scenario read by the real parser (so its names are ones a user's file can hold).
scenario::Scenario ParseJson(const json& doc) {
    return Parse(doc.dump());
}

// One task group per name (1 task, a short CPU step), and the locks and counters given.
json Groups(const std::vector<std::string>& names,
            const std::vector<std::string>& locks = {},
            const std::vector<std::string>& counters = {}) {
    json tasks = json::array();
    for (size_t k = 0; k < names.size(); ++k) {
        json steps = json::array({{{"cpu", "1ms"}}});
        if (k < locks.size()) {
            steps.push_back({{"acquire", locks[k]}});
            steps.push_back({{"release", locks[k]}});
        }
        if (k < counters.size()) steps.push_back({{"increment", counters[k]}});
        steps.push_back({{"send", "1KB"}});
        tasks.push_back({{"name", names[k]}, {"count", 1}, {"steps", steps}});
    }
    return tasks;
}

json Doc(const std::string& name, const json& tasks) {
    return {{"name", name}, {"tasks", tasks}, {"model", {{"kind", "threads"}}}, {"machine", {{"cores", 2}}}};
}

std::string Marker(const std::string& what) {
    return "/tmp/ilv-pwn-" + what + "-" + std::to_string(getpid());  // short: a group name holds 64 bytes
}

// Scenarios an attacker would write; `marker` names a file their payloads would create.
std::vector<std::pair<std::string, scenario::Scenario>> HostileScenarios() {
    std::vector<std::pair<std::string, scenario::Scenario>> out;
    auto add = [&](const std::string& what, const json& doc) { out.emplace_back(what, ParseJson(doc)); };
    const std::string m = Marker("static");
    add("newline in the scenario name", Doc("pwn\nopen('" + m + "', 'w').close()\n#", Groups({"fetch"})));
    add("N = in the scenario name", Doc("N = open('" + m + "', 'w')", Groups({"fetch", "parse"})));
    add("coding cookie and a GBK break-out",
        Doc("-*- coding: gbk -*-", Groups({"\xe4\xb8\xad\", open('" + m + "', 'w')):#", "\xe4\xb8\xad\\"})));
    add("quotes and backslashes", Doc("\"\"\"'''\\", Groups({"a\"b", "\\", "'''", "\"\"\"", "\\x41", "\\N{DASH}",
                                                             "\\ud800", "\\U0001F600", "\\", "a\\\"); import os #"},
                                                            {"lock\\", "lock\"", "l'ck"}, {"\"", "c\\n", "c'"})));
    add("control characters",
        Doc(std::string("nul\0name", 8), Groups({std::string("a\0b", 3), "cr\rlf\n", "ff\f", "tab\t", "esc\x1b",
                                                 "del\x7f", "vt\v", "nel\xc2\x85", "ls\xe2\x80\xa8", "bom\xef\xbb\xbf"},
                                                {std::string("\0", 1)}, {"\r\n"})));
    add("non-ASCII", Doc("\xe4\xb8\x8b\xe8\xbd\xbd \xf0\x9f\x98\x80",
                         Groups({"\xe4\xb8\x8b\xe8\xbd\xbd", "\xf0\x9f\x98\x80", "caf\xc3\xa9", "\xef\xbf\xbd",
                                 "\xf4\x8f\xbf\xbf", "\xc3\xa9\xc3\xa9", "\xce\xb1"},
                                {"\xf0\x9f\x94\x92"}, {"\xe2\x84\x96"})));
    std::vector<std::string> keywords = {
        "False",    "None",   "True",  "and",  "as",     "assert",   "async",   "await", "break", "class",
        "continue", "def",    "del",   "elif", "else",   "except",   "finally", "for",   "from",  "global",
        "if",       "import", "in",    "is",   "lambda", "nonlocal", "not",     "or",    "pass",  "raise",
        "return",   "try",    "while", "with", "yield",  "match",    "case",    "_",     "type"};
    add("every keyword", Doc("keywords", Groups(keywords, keywords, {"for", "if"})));
    std::vector<std::string> shadows = {
        "list",    "print",      "str",    "bytes", "range",    "ThreadPoolExecutor", "ValueError",   "dict",
        "globals", "open",       "len",    "int",   "__name__", "__import__",         "__builtins__", "exec",
        "eval",    "SystemExit", "object", "id",    "map"};
    add("builtins", Doc("builtins", Groups(shadows)));
    std::vector<std::string> globals = {"probe",
                                        "locks",
                                        "counters",
                                        "N",
                                        "run_task",
                                        "main",
                                        "work",
                                        "run_batch",
                                        "run",
                                        "semaphore",
                                        "types",
                                        "asyncio",
                                        "multiprocessing",
                                        "sys",
                                        "threading",
                                        "SCENARIO",
                                        "payload0",
                                        "payload1",
                                        "i",
                                        "result",
                                        "args",
                                        "ctx",
                                        "pool",
                                        "threads",
                                        "thread",
                                        "task_fetch",
                                        "task_",
                                        "task__",
                                        "task",
                                        "tasks",
                                        "k",
                                        "v",
                                        "tg",
                                        "size",
                                        "batches",
                                        "concurrent"};
    for (const std::string& name : ProbeTopLevelNames())
        globals.push_back(name);
    add("program and probe globals", Doc("globals", Groups(globals, {"locks", "counters", "probe"}, {"N"})));
    add("colliding names",
        Doc("collisions", Groups({"a-b", "a_b", "a b", "a.b", "a--b", "a_b_2", "task_a_b", "x", "x", "x_2", "1abc", "-",
                                  "_", "__", "\xc3\xa9", "\xc3\xa8", "fetch", "Fetch"})));
    // Children named like code, keywords, the program's own globals and their parent, by every via, nested.
    {
        const std::vector<std::string> childNames = {"x\nopen('" + m + "', 'w')\n#", "gather_all", "first", "kids",
                                                     "name", "cursor", "for", "task_parent", "\"", "parent"};
        json tasks = json::array();
        const char* vias[] = {"gather", "task_group", "threads"};
        for (size_t k = 0; k < childNames.size(); ++k) {
            json inner = {{"children", {{"name", "g\\" + std::to_string(k)}, {"count", 1}, {"via", vias[(k + 1) % 3]},
                                        {"steps", json::array({{{"await", "1ms"}}})}}}};
            json child = {{"children", {{"name", childNames[k]}, {"count", 2}, {"via", vias[k % 3]},
                                        {"steps", json::array({{{"cpu", "1ms"}}, inner})}}}};
            tasks.push_back({{"name", "parent"}, {"count", 1}, {"steps", json::array({{{"cpu", "1ms"}}, child})}});
        }
        add("children named like code", Doc("children", tasks));
    }
    return out;
}

struct Program {
    std::string what;
    scenario::Scenario scenario;
    std::string text;
};

// Every hostile scenario and every preset, under every model kind.
std::vector<Program> AllPrograms() {
    std::vector<std::pair<std::string, scenario::Scenario>> scenarios = HostileScenarios();
    for (const auto& preset : scenario::Presets()) {
        scenario::ParseError error;
        auto parsed = scenario::ParseScenario(preset.json, error);
        EXPECT_TRUE(parsed.has_value()) << preset.id << ": " << error.Message();
        if (parsed) scenarios.emplace_back("preset " + std::string(preset.id), *parsed);
    }
    {  // A recv that waits for its reply to the send before it (io_start, reply_at), in a repeat block too.
        scenario::ParseError error;
        auto parsed = scenario::ParseScenario(
            R"({"tasks": [{"name": "io", "count": 2, "steps": [{"io": "1ms"}, {"await": "1ms"},
                {"io": "100us", "reply_after": "3ms"}, {"repeat": 2, "steps": [{"io": "1ms"},
                {"io": "1us", "reply_after": "2ms"}]}]}], "model": {"kind": "asyncio"}})",
            error);
        EXPECT_TRUE(parsed.has_value()) << error.Message();
        if (parsed) scenarios.emplace_back("replies", *parsed);
    }
    std::vector<Program> out;
    for (const auto& [what, s] : scenarios) {
        for (ModelKind kind : kKinds) {
            scenario::Scenario copy = s;
            copy.model.kind = kind;
            const std::string text = ExportPython(copy);
            out.push_back({what + ", " + std::string(scenario::ModelKindName(kind)), copy, text});
            if (kind == ModelKind::Asyncio || kind == ModelKind::ProcessAsyncio) {
                // The same with asyncio.eager_task_factory set in every loop (3.12+).
                copy.python = scenario::PythonVersion{13, false};
                copy.model.eagerTasks = true;
                out.push_back({what + ", " + std::string(scenario::ModelKindName(kind)) + ", eager", copy, ExportPython(copy)});
            }
        }
    }
    return out;
}

std::vector<std::string> AllNames(const scenario::Scenario& s) {
    std::vector<std::string> names = {s.name};
    for (const auto& g : s.groups)
        names.push_back(g.name);
    names.insert(names.end(), s.names.begin(), s.names.end());
    return names;
}

TEST(PythonExport, HostileAndPresetProgramsCompileAndKeepEveryNameInALiteral) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    TempDir dir;
    ASSERT_FALSE(dir.path.empty());
    json manifest = json::array();
    std::string files;
    int index = 0;
    for (const Program& p : AllPrograms()) {
        const std::string path = dir.path + "/program_" + std::to_string(index++) + ".py";
        WriteFile(path, p.text);
        json groups = json::array();
        for (const auto& g : p.scenario.groups)
            groups.push_back(g.name);
        manifest.push_back({{"file", path}, {"what", p.what}, {"names", AllNames(p.scenario)}, {"groups", groups}});
        files += " " + path;
    }
    WriteFile(dir.path + "/manifest.json", manifest.dump());
    std::string output;
    EXPECT_EQ(Shell("python3 -m py_compile" + files, output), 0) << output.substr(0, 4000);
    EXPECT_EQ(Shell("python3 " + ScriptPath(dir) + " " + dir.path + "/manifest.json " + ProbePath(dir), output), 0)
        << output;
}

TEST(PythonExport, HostileAndPresetProgramsHaveTheExportersShape) {
    int failures = 0;
    for (const Program& p : AllPrograms()) {
        std::string why;
        const bool ok = CheckExportedProgramShape(p.text, p.scenario, why);
        EXPECT_TRUE(ok) << p.what << ": " << why;
        failures += !ok;
        if (failures > 10) break;
    }
}

// Runs an exported program for real; the file its payload would create must not appear.
void ExpectNoInjection(scenario::Scenario s, ModelKind kind, const std::string& marker) {
    std::remove(marker.c_str());
    s.model.kind = kind;
    s.model.workers = 1;
    RunOptions options;
    options.timeoutSeconds = 60;
    RealRunResult r = RunForReal(s, RealRunKind::CPython, options);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.trace.metrics.tasksDone, s.TaskCount());
    const bool injected = access(marker.c_str(), F_OK) == 0;
    EXPECT_FALSE(injected) << "the name's code ran and created " << marker;
    std::remove(marker.c_str());
}

TEST(PythonExport, ANewlineInTheScenarioNameRunsNothing) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    const std::string m = Marker("newline");
    ExpectNoInjection(ParseJson(Doc("pwn\nopen('" + m + "', 'w').close()\n#", Groups({"fetch"}))), ModelKind::Threads,
                      m);
}

TEST(PythonExport, NEqualsInTheScenarioNameRunsNothing) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    const std::string m = Marker("n-equals");
    ExpectNoInjection(ParseJson(Doc("N = open('" + m + "', 'w')", Groups({"fetch"}))), ModelKind::Processes, m);
}

TEST(PythonExport, ACodingCookieInTheScenarioNameRunsNothing) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    const std::string m = Marker("gbk");
    // Read as GBK, the last byte of U+4E2D and the backslash escaping the quote make one character.
    ExpectNoInjection(ParseJson(Doc("-*- coding: gbk -*-", Groups({"\xe4\xb8\xad\", open('" + m + "', 'w')):#"}))),
                      ModelKind::Threads, m);
}

TEST(PythonExport, SimilarNamesGetTheirOwnReadableFunctions) {
    scenario::Scenario s = ParseJson(Doc("similar", Groups({"fetch", "a-b", "a_b", "print", "while"})));
    const std::string py = ExportPython(s);
    for (const char* def :
         {"def task_fetch(i", "def task_a_b(i", "def task_a_b_2(i", "def task_print(i", "def task_while(i"})
        EXPECT_NE(py.find(def), std::string::npos) << def;
    EXPECT_NE(py.find("return task_a_b(i)"), std::string::npos);
    EXPECT_NE(py.find("return task_a_b_2(i)"), std::string::npos);
}

TEST(PythonExport, TheCodingIsPinnedBeforeAnythingFromTheScenario) {
    const std::string py = ExportPython(ParseJson(Doc("-*- coding: gbk -*-", Groups({"fetch"}))));
    EXPECT_EQ(py.substr(0, py.find('\n', py.find('\n') + 1) + 1), "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n");
    EXPECT_NE(py.find("\nSCENARIO = \"-*- coding: gbk -*-\"\n"), std::string::npos);
}

TEST(PythonExport, NoNulReachesTheProgram) {
    scenario::Scenario s = ParseJson(Doc(std::string("a\0b", 3), Groups({std::string("c\0d", 3)})));
    const std::string py = ExportPython(s);
    EXPECT_EQ(py.find('\0'), std::string::npos);
    EXPECT_NE(py.find("\"a\\x00b\""), std::string::npos);
    EXPECT_NE(py.find("\"c\\x00d\""), std::string::npos);
}

TEST(PythonExport, StringLiteralsAreAsciiWithPythonEscapes) {
    EXPECT_EQ(PythonStringLiteral("fetch [1]"), "\"fetch [1]\"");
    EXPECT_EQ(PythonStringLiteral("a\"b\\c'"), "\"a\\x22b\\x5cc'\"");
    EXPECT_EQ(PythonStringLiteral(std::string("\0\n\r\x7f", 4)), "\"\\x00\\x0a\\x0d\\x7f\"");
    EXPECT_EQ(PythonStringLiteral("caf\xc3\xa9"), "\"caf\\xe9\"");
    EXPECT_EQ(PythonStringLiteral("\xe4\xb8\xad"), "\"\\u4e2d\"");
    // One escape past the BMP, never JSON's surrogate pair (which Python reads as two lone surrogates).
    EXPECT_EQ(PythonStringLiteral("\xf0\x9f\x98\x80"), "\"\\U0001f600\"");
    EXPECT_EQ(PythonStringLiteral("\\ud83d"), "\"\\x5cud83d\"");
    // Invalid UTF-8, byte by byte: a stray continuation, an encoded surrogate, an overlong, a cut sequence.
    EXPECT_EQ(PythonStringLiteral("\x80"), "\"\\ufffd\"");
    EXPECT_EQ(PythonStringLiteral("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ(PythonStringLiteral("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ(PythonStringLiteral("a\xe4\xb8"), "\"a\\ufffd\\ufffd\"");
    EXPECT_EQ(PythonStringLiteral("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

TEST(PythonExport, ProbeNamesMatchProbePySyntaxTree) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    TempDir dir;
    std::string output;
    ASSERT_EQ(Shell("python3 " + ScriptPath(dir) + " probe-names " + ProbePath(dir), output), 0) << output;
    const auto names = json::parse(output).get<std::set<std::string>>();
    EXPECT_EQ(ProbeTopLevelNames(), names);
}

TEST(PythonExport, ReservedNamesCoverThisPythonsKeywordsAndBuiltins) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    TempDir dir;
    std::string output;
    ASSERT_EQ(Shell("python3 " + ScriptPath(dir) + " reserved", output), 0) << output;
    for (const std::string& name : json::parse(output).get<std::vector<std::string>>())
        EXPECT_TRUE(IsPythonReservedName(name)) << name;
    EXPECT_FALSE(IsPythonReservedName("task_fetch"));
}

// RunCPython writes the program to a file: a failed write is reported, not run.
TEST(PythonExport, AFailedProgramWriteIsAnError) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    // Files of this process and its children stop at 2 KB (the version check's output fits); writing past
    // that fails with EFBIG instead of raising SIGXFSZ.
    const scenario::Scenario s = Make(1, R"([{"cpu": "1ms"}])", R"({"kind": "threads"})");
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 2048;
    const bool limited = setrlimit(RLIMIT_FSIZE, &small) == 0;
    RealRunResult r;
    if (limited) {
        RunOptions options;
        options.timeoutSeconds = 30;
        r = RunForReal(s, RealRunKind::CPython, options);
        setrlimit(RLIMIT_FSIZE, &old);
    }
    std::signal(SIGXFSZ, oldHandler);
    ASSERT_TRUE(limited);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("cannot write the program"), std::string::npos) << r.error;
}

// CheckExportedProgramShape, on a good program and on that program broken in one place each.
struct PythonExportShape : ::testing::Test {
    scenario::Scenario s = ParseJson(Doc("shape", Groups({"fetch", "a-b"}, {"lock"}, {"hits"})));
    std::string good = [this] {
        s.model.kind = ModelKind::Processes;
        return ExportPython(s);
    }();

    std::string Replace(const std::string& from, const std::string& to) {
        std::string text = good;
        const size_t at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos) text.replace(at, from.size(), to);
        return text;
    }
    std::string Rejected(const std::string& program) {
        std::string why;
        EXPECT_FALSE(CheckExportedProgramShape(program, why)) << program.substr(0, 600);
        return why;
    }
};

TEST_F(PythonExportShape, AcceptsTheExportersProgram) {
    std::string why;
    EXPECT_TRUE(CheckExportedProgramShape(good, why)) << why;
    EXPECT_TRUE(CheckExportedProgramShape(good, s, why)) << why;
}

TEST_F(PythonExportShape, RejectsAnInjectedLine) {
    EXPECT_NE(Rejected(Replace("\nN = ", "\nimport os\nN = ")).find("`os`"), std::string::npos);
    EXPECT_NE(Rejected(Replace("\nN = ", "\nprint(1)\nN = ")).find("`print`"), std::string::npos);
    Rejected(Replace("\nN = ", "\nlocks = 1; import os\nN = "));
}

TEST_F(PythonExportShape, RejectsANameOutsideALiteral) {
    EXPECT_NE(Rejected(Replace("\"shape\"", "shape")).find("`shape`"), std::string::npos);
    Rejected(Replace("\"fetch\"", "\"fetch\" + __import__(\"os\").name"));
    Rejected(Replace("\"fetch\"", "\"fe\" \"\"\"tch\"\"\""));
    Rejected(Replace("\"fetch\"", "f\"fetch\""));
    Rejected(Replace("\"fetch\"", "'fetch'"));
    Rejected(Replace("\"fetch\"", "\"fetch\" ; \"x\""));
    Rejected(Replace("# pure Python", "# shape"));
}

TEST_F(PythonExportShape, RejectsLiteralsPythonWouldReadDifferently) {
    Rejected(Replace("\"fetch\"", "\"fe\\ntch\""));
    Rejected(Replace("\"fetch\"", "\"fe\\N{DASH}tch\""));
    Rejected(Replace("\"fetch\"", "\"fe\\ud800tch\""));
    Rejected(Replace("\"fetch\"", "\"fe\\x4\""));
    Rejected(Replace("\"fetch\"", "\"fetch"));
    Rejected(Replace("\"fetch\"", "\"fetch\\"));
}

TEST_F(PythonExportShape, RejectsBytesOutsidePrintableAscii) {
    for (const std::string& bad : {std::string("\0", 1), std::string("\r"), std::string("\f"), std::string("\t"),
                                   std::string("\xc3\xa9"), std::string("\v")})
        EXPECT_NE(Rejected(Replace("fetch", "fe" + bad + "tch")).find("byte 0x"), std::string::npos);
}

TEST_F(PythonExportShape, RejectsAnUnpinnedCodingOrAChangedProbe) {
    Rejected(Replace("# -*- coding: utf-8 -*-", "# -*- coding: gbk -*-"));
    Rejected(Replace("# -*- coding: utf-8 -*-\n", ""));
    Rejected(Replace("GAP = 100_000", "GAP = 100_001"));
    Rejected(Replace("N = ", std::string(EmbeddedPython("probe.py")) + "N = "));
}

TEST_F(PythonExportShape, RejectsTaskFunctionsDefinedTwiceOrUsedElsewhere) {
    Rejected(Replace("def task_a_b(i", "def task_fetch(i"));
    Rejected(Replace("\nN = ", "\ntask_fetch = None\nN = "));
    Rejected(Replace("def task_fetch(i", "def task_fetch(i, x"));
}

TEST_F(PythonExportShape, RejectsAProgramMissingAName) {
    std::string why;
    std::string renamed = good;
    for (size_t at = renamed.find("\"hits\""); at != std::string::npos; at = renamed.find("\"hits\"", at))
        renamed.replace(at, 6, "\"hats\"");
    EXPECT_FALSE(CheckExportedProgramShape(renamed, s, why));
    EXPECT_NE(why.find("hits"), std::string::npos) << why;
    scenario::Scenario more = s;
    more.groups.push_back(more.groups[0]);
    EXPECT_FALSE(CheckExportedProgramShape(good, more, why));
}

}  // namespace
}  // namespace interleave::native
