#pragma once
// Small pieces of ImGui behaviour the playground's views share.
#include <imgui.h>

#include <functional>
#include <string_view>
#include <vector>

namespace interleave::ui {

class TestProbe;

// Names the item just drawn `id` in the test probe (test_probe.h): where it is, and whether its window scrolls (its
// content is taller or wider than it, so the item may lie outside it and a reader scrolls to it).
void RememberItem(TestProbe& probe, const char* id);

// A button's hint ("Next step (Right)") while the mouse rests on it. Not after a tap: a finger leaves the pointer
// where it tapped, so the hint would stay up, over what the tap just showed (the story's next caption).
inline void ButtonHint(const char* text, ImGuiHoveredFlags flags = 0) {
    if (ImGui::GetIO().MouseSource == ImGuiMouseSource_TouchScreen) return;
    if (ImGui::IsItemHovered(flags)) ImGui::SetTooltip("%s", text);
}

// A button's width for its label, as ImGui::Button sizes it.
inline float ButtonWidth(const char* label) { return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2; }

// SameLine() while an item `width` wide still fits on this line, else a new line: a row of buttons wraps on a phone or
// in an 800x600 window instead of running off the edge ("Sh" for Share).
inline void SameLineIfFits(float width) {
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + width > ImGui::GetContentRegionMax().x) ImGui::NewLine();
}

// Text wrapped to the space left on the line, breaking only at spaces: ImGui's own wrapping also breaks after a '.',
// which splits a figure ("GIL wait 2.554 s") into "2." and "554 s". Drawn as text, never as a format string.
void TextWrappedAtSpaces(std::string_view text);
// Its lines for a `width`, with `widthOf` measuring text (pure: the tests measure with a fixed advance).
std::vector<std::string_view> WrapAtSpaces(std::string_view text, float width,
                                           const std::function<float(std::string_view)>& widthOf);

}  // namespace interleave::ui
