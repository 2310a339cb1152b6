#include "scenario/presets.h"

namespace interleave::scenario {

const PresetFile* FindPreset(std::string_view id) {
    for (const PresetFile& preset : Presets())
        if (preset.id == id) return &preset;
    return nullptr;
}

}  // namespace interleave::scenario
