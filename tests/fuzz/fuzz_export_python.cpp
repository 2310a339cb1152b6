// libFuzzer harness for the Python exporter (issue 16): any bytes that parse as a scenario export, under
// every model kind, to a program of the exporter's shape (CheckExportedProgramShape): names only inside
// escaped ASCII literals, the encoding pinned, only the exporter's own tokens outside literals.
// Seeds: tests/fuzz/corpus/export_python/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "native/native.h"
#include "native/python_export_check.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using interleave::scenario::ModelKind;
    static constexpr ModelKind kKinds[] = {ModelKind::Sequential, ModelKind::Threads,        ModelKind::Processes,
                                           ModelKind::Asyncio,    ModelKind::ProcessAsyncio, ModelKind::FreeThreaded};
    interleave::scenario::ParseError error;
    const auto parsed =
        interleave::scenario::ParseScenario(std::string_view(reinterpret_cast<const char*>(data), size), error);
    if (!parsed) return 0;
    for (ModelKind kind : kKinds) {
        interleave::scenario::Scenario s = *parsed;
        s.model.kind = kind;
        const std::string program = interleave::native::ExportPython(s);
        std::string why;
        if (!interleave::native::CheckExportedProgramShape(program, s, why)) {
            std::fprintf(stderr, "export-python, model %s: %s\n",
                         std::string(interleave::scenario::ModelKindName(kind)).c_str(), why.c_str());
            std::abort();
        }
    }
    return 0;
}
