#pragma once
// What every command of the command line shares (docs/cli.md): the exit codes, reading an input file
// with a size limit, writing an output file with every step checked, loading a SCENARIO argument (and a
// profile, a trace), taking an option's value. Used by src/cli (sim, compare, presets) and src/native (run, check,
// export-python, calibrate). Header-only because interleave_native does not link interleave_cli (interleave-real is
// built from interleave_native alone); standard C and C++ only, so it builds for wasm too.
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "trace/trace_json.h"

namespace interleave::cli {

// The exit codes (the table in docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the simulation (or the real run, the calibration) failed
inline constexpr int kExitUsage = 2;        // unknown command or option, a missing, empty or bad argument
inline constexpr int kExitBadInput = 3;     // an input file cannot be read, is too large or is invalid
inline constexpr int kExitWriteFailed = 4;  // an output file cannot be written

// The most each kind of input file may hold. Scenarios: what the scenario parser takes. A calibrated
// profile is under 2 KB.
inline constexpr size_t kMaxScenarioFileBytes = scenario::Limits::kMaxScenarioBytes;
inline constexpr size_t kMaxProfileFileBytes = size_t{1} << 20;
inline constexpr size_t kMaxTraceFileBytes = trace::kMaxTraceJsonBytes;

// "64 MiB", "1000 bytes".
inline std::string SizeText(size_t bytes) {
    if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (size_t{1} << 10) && bytes % (size_t{1} << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

inline std::string ErrnoText(int error) {
    return std::strerror(error != 0 ? error : EIO);
}

enum class ReadStatus {
    Ok,
    NotFound,  // there is no such file (a SCENARIO argument may then name a preset)
    Failed,    // it exists but cannot be read (a directory, no permission), or it is larger than the limit
};

// Reads the file at `path` whole, but never more than maxBytes + 1 bytes of it, whatever it is: a file
// larger than the limit, /dev/zero, a FIFO are all refused after that much, not read to the end first
// (the size a file claims is not trusted: FIFOs and devices claim none). `what` names it in the error:
// "'big.json' is larger than 64 MiB (the most a scenario may be)".
inline ReadStatus ReadFileLimited(const std::string& path,
                                  size_t maxBytes,
                                  std::string_view what,
                                  std::string& out,
                                  std::string& error) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) {
        const int code = errno;
        error = "cannot read '" + path + "': " + ErrnoText(code);
        return code == ENOENT || code == ENOTDIR ? ReadStatus::NotFound : ReadStatus::Failed;
    }
    std::string text;
    char buffer[16384];
    for (;;) {
        const size_t want = std::min(sizeof buffer, maxBytes + 1 - text.size());
        // Grown by doubling, straight to maxBytes + 1 once doubling would reach it: never more than that
        // is held, and the last growth copies at most half of it.
        if (text.capacity() < text.size() + want) {
            const size_t doubled = std::max(text.capacity() * 2, text.size() + want);
            text.reserve(doubled >= maxBytes ? maxBytes + 1 : doubled);
        }
        const size_t got = std::fread(buffer, 1, want, file);
        text.append(buffer, got);
        if (text.size() > maxBytes) {
            std::fclose(file);
            error =
                "'" + path + "' is larger than " + SizeText(maxBytes) + " (the most " + std::string(what) + " may be)";
            return ReadStatus::Failed;
        }
        if (got < want) {
            if (std::ferror(file)) {
                const int code = errno;
                std::fclose(file);
                error = "cannot read '" + path + "': " + ErrnoText(code);
                return ReadStatus::Failed;
            }
            break;  // the end of the file
        }
    }
    std::fclose(file);
    out = std::move(text);
    return ReadStatus::Ok;
}

// Writes `text` to `path`, checking the open, the write and the close (a full disk shows only at the
// flush). The error names the path and the system's reason.
inline bool WriteFileChecked(const std::string& path, std::string_view text, std::string& error) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) {
        error = "cannot write '" + path + "': " + ErrnoText(errno);
        return false;
    }
    int code = 0;
    if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) code = errno != 0 ? errno : EIO;
    if (std::fflush(file) != 0 && code == 0) code = errno != 0 ? errno : EIO;
    if (std::fclose(file) != 0 && code == 0) code = errno != 0 ? errno : EIO;
    if (code != 0) {
        error = "cannot write '" + path + "': " + ErrnoText(code);
        return false;
    }
    return true;
}

// Flushes a command's standard output (or the stream standing in for it) and says whether everything
// written to it arrived: `interleave export-python x > /dev/full` must not exit 0. The reason is known
// only when the flush itself fails (errno of an earlier failed print is long overwritten).
inline bool FinishOutput(std::FILE* out, std::string& error) {
    errno = 0;
    if (std::fflush(out) != 0) {
        error = "cannot write to standard output: " + ErrnoText(errno);
        return false;
    }
    if (std::ferror(out)) {
        error = "cannot write to standard output: a write failed";
        return false;
    }
    return true;
}

// Prints `text` (a command's whole result) on `out` and flushes it, keeping the system's reason when
// that fails.
inline bool PrintAll(std::FILE* out, std::string_view text, std::string& error) {
    errno = 0;
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0) {
        error = "cannot write to standard output: " + ErrnoText(errno);
        return false;
    }
    return FinishOutput(out, error);
}

// Loads a SCENARIO argument: a scenario file, or the id of a preset when no file has that name. Returns
// kExitOk, or kExitBadInput with `error` saying why (it names the file, and the field that is wrong).
inline int LoadScenarioArgument(const std::string& source, scenario::Scenario& out, std::string& error) {
    std::string text;
    const ReadStatus status = ReadFileLimited(source, kMaxScenarioFileBytes, "a scenario", text, error);
    if (status == ReadStatus::Failed) return kExitBadInput;
    if (status == ReadStatus::NotFound) {
        const scenario::PresetFile* preset = scenario::FindPreset(source);
        if (!preset) {
            error += ", and no preset has that name (see: interleave presets)";
            return kExitBadInput;
        }
        text = std::string(preset->json);
    }
    scenario::ParseError parseError;
    auto parsed = scenario::ParseScenario(text, parseError);
    if (!parsed) {
        error = source + ": " + parseError.Message();
        return kExitBadInput;
    }
    out = std::move(*parsed);
    return kExitOk;
}

// Applies a machine profile file (`--profile FILE`, as `interleave calibrate` writes it) onto a scenario's `profile`:
// the machine's costs, never what the scenario says (ApplyProfileJsonUnderScenario: the fields it set away from their
// defaults, and the switch interval, which is the program's choice and which a profile records only as the default it
// measured under).
// Returns kExitOk or kExitBadInput with `error`.
inline int ApplyProfileFile(const std::string& path, scenario::MachineProfile& profile, std::string& error) {
    std::string text;
    if (ReadFileLimited(path, kMaxProfileFileBytes, "a profile", text, error) != ReadStatus::Ok) return kExitBadInput;
    std::string why;
    if (!scenario::ApplyProfileJsonUnderScenario(text, profile, why)) {
        error = path + ": " + why;
        return kExitBadInput;
    }
    return kExitOk;
}

// A whole number from `min` to `max` written in decimal digits and nothing else (no sign, no spaces, no
// suffix): every integer option of the command line. False for anything else, out of range included.
inline bool ParseBoundedInt(const std::string& text, int64_t min, int64_t max, int64_t& out) {
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
    out = value;
    return true;
}

// "--seed N": 0 (the deterministic run) to 2^53 - 1. Returns false with `error` naming the option.
inline bool ParseSeed(const std::string& text, uint64_t& out, std::string& error) {
    int64_t parsed = 0;
    if (!ParseBoundedInt(text, 0, scenario::Limits::kMaxSeed, parsed)) {
        error = "--seed must be a whole number from 0 (the deterministic run) to " +
                std::to_string(scenario::Limits::kMaxSeed) + ", got '" + text + "'";
        return false;
    }
    out = static_cast<uint64_t>(parsed);
    return true;
}

// Reads a trace file (either form, docs/trace-format.md). Returns kExitOk, or kExitBadInput with `error`.
inline int LoadTraceFile(const std::string& path, trace::Trace& out, std::string& error) {
    std::string text;
    if (ReadFileLimited(path, kMaxTraceFileBytes, "a trace", text, error) != ReadStatus::Ok) return kExitBadInput;
    std::string why;
    if (!trace::ReadAnyTrace(text, out, why)) {
        error = path + ": " + why;
        return kExitBadInput;
    }
    return kExitOk;
}

inline bool IsHelp(const std::string& arg) {
    return arg == "--help" || arg == "-h";
}

// The value of the option args[i], moving i onto it. A missing value, an empty one ("--out ''") and
// another option in its place ("--out --json") are usage errors naming the option: none is ignored.
inline bool TakeValue(const std::vector<std::string>& args, size_t& i, std::string& value, std::string& error) {
    const std::string& option = args[i];
    if (i + 1 >= args.size()) {
        error = option + " needs a value";
        return false;
    }
    const std::string& next = args[i + 1];
    if (next.empty()) {
        error = option + " needs a value, got an empty one";
        return false;
    }
    if (next.size() > 2 && next[0] == '-' && next[1] == '-') {
        error = option + " needs a value, got the option " + next;
        return false;
    }
    value = next;
    ++i;
    return true;
}

}  // namespace interleave::cli
