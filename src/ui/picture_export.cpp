// Picture files. See picture_export.h.
#include "ui/picture_export.h"

#include <imgui.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "ui/headless.h"
#include "ui/soft_raster.h"
#include "ui/svg_writer.h"


namespace interleave::ui {

namespace {

// A headless context for the call when none is current, restoring whatever was current afterwards.
class FontScope {
public:
    explicit FontScope(bool forceOwn) {
        m_previous = ImGui::GetCurrentContext();
        // ImGui::CreateContext() makes the new context current only when none is: with the playground's current (a
        // Save PNG click, in the middle of its frame) HeadlessContext would set up, and this call draw a frame in, the
        // playground's context instead (ImGui asserts on the nested NewFrame()).
        ImGui::SetCurrentContext(nullptr);
        if (forceOwn || !m_previous) m_own.emplace();
        else ImGui::SetCurrentContext(m_previous);
    }
    ~FontScope() {
        m_own.reset();
        ImGui::SetCurrentContext(m_previous);
    }

private:
    ImGuiContext* m_previous = nullptr;
    std::optional<HeadlessContext> m_own;
};

}  // namespace

std::string PictureSvg(const PictureBuilder& build) {
    FontScope scope(false);
    return WriteSvg(build(UiTextMetrics()));
}

std::string PictureSvg(const trace::Trace& trace, const PictureView& view) {
    return PictureSvg([&](const TextMetrics& metrics) { return BuildPicture(trace, view, metrics); });
}

bool PicturePng(const PictureBuilder& build, std::string& png, std::string& error) {
    FontScope scope(true);
    return RenderPicturePng(build(UiTextMetrics()), png, error);
}

bool PicturePng(const trace::Trace& trace, const PictureView& view, std::string& png, std::string& error) {
    return PicturePng([&](const TextMetrics& metrics) { return BuildPicture(trace, view, metrics); }, png, error);
}

std::string PictureFileName(const std::string& name, const char* extension) {
    std::string out = "interleave";
    if (!name.empty()) out += '-';
    for (char c : name) {
        if (out.size() >= 60) break;
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        out += keep ? c : '_';
    }
    return out.append(".").append(extension);
}

bool SavePictureFile(const std::string& fileName, const std::string& bytes, std::string& where) {
    std::FILE* file = std::fopen(fileName.c_str(), "wb");
    if (!file) {
        where = std::string("cannot write ").append(fileName).append(": ").append(std::strerror(errno));
        return false;
    }
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    ok = std::fclose(file) == 0 && ok;
    where = ok ? fileName : std::string("cannot write ").append(fileName);
    return ok;
}

}  // namespace interleave::ui
