// The timeline's GPU renderer. See gl_timeline.h; the data side is src/ui/timeline_gpu.h.
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL.h>
#include <SDL_opengl.h>
#endif
#include <imgui.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

#include "platform/gl_timeline.h"

namespace interleave::platform {

namespace {

// The GL entry points the renderer calls: natively fetched with SDL_GL_GetProcAddress (nothing links libGL: the
// offscreen driver has only EGL), on the web Emscripten's WebGL2 functions themselves.
#define INTERLEAVE_TIMELINE_GL(X)                                                          \
    X(GLuint, CreateShader, (GLenum))                                                      \
    X(void, ShaderSource, (GLuint, GLsizei, const GLchar* const*, const GLint*))           \
    X(void, CompileShader, (GLuint))                                                       \
    X(void, GetShaderiv, (GLuint, GLenum, GLint*))                                         \
    X(void, GetShaderInfoLog, (GLuint, GLsizei, GLsizei*, GLchar*))                        \
    X(void, DeleteShader, (GLuint))                                                        \
    X(GLuint, CreateProgram, ())                                                           \
    X(void, AttachShader, (GLuint, GLuint))                                                \
    X(void, LinkProgram, (GLuint))                                                         \
    X(void, GetProgramiv, (GLuint, GLenum, GLint*))                                        \
    X(void, GetProgramInfoLog, (GLuint, GLsizei, GLsizei*, GLchar*))                       \
    X(void, DeleteProgram, (GLuint))                                                       \
    X(void, UseProgram, (GLuint))                                                          \
    X(GLint, GetUniformLocation, (GLuint, const GLchar*))                                  \
    X(void, Uniform1f, (GLint, GLfloat))                                                   \
    X(void, Uniform2f, (GLint, GLfloat, GLfloat))                                          \
    X(void, Uniform4f, (GLint, GLfloat, GLfloat, GLfloat, GLfloat))                        \
    X(void, Uniform1i, (GLint, GLint))                                                     \
    X(void, Uniform4fv, (GLint, GLsizei, const GLfloat*))                                  \
    X(void, Uniform1iv, (GLint, GLsizei, const GLint*))                                    \
    X(void, GenBuffers, (GLsizei, GLuint*))                                                \
    X(void, BindBuffer, (GLenum, GLuint))                                                  \
    X(void, BufferData, (GLenum, GLsizeiptr, const void*, GLenum))                         \
    X(void, DeleteBuffers, (GLsizei, const GLuint*))                                       \
    X(void, GenVertexArrays, (GLsizei, GLuint*))                                           \
    X(void, BindVertexArray, (GLuint))                                                     \
    X(void, DeleteVertexArrays, (GLsizei, const GLuint*))                                  \
    X(void, EnableVertexAttribArray, (GLuint))                                             \
    X(void, VertexAttribPointer, (GLuint, GLint, GLenum, GLboolean, GLsizei, const void*)) \
    X(void, VertexAttribIPointer, (GLuint, GLint, GLenum, GLsizei, const void*))           \
    X(void, VertexAttribDivisor, (GLuint, GLuint))                                         \
    X(void, DrawArraysInstanced, (GLenum, GLint, GLsizei, GLsizei))                        \
    X(void, Scissor, (GLint, GLint, GLsizei, GLsizei))                                     \
    X(GLenum, GetError, ())

struct Gl {
#ifdef __EMSCRIPTEN__
#define INTERLEAVE_GL_MEMBER(ret, name, params) decltype(&gl##name) name = &gl##name;
#else
#define INTERLEAVE_GL_MEMBER(ret, name, params) ret(APIENTRY* name) params = nullptr;
#endif
    INTERLEAVE_TIMELINE_GL(INTERLEAVE_GL_MEMBER)
#undef INTERLEAVE_GL_MEMBER

    // The name of the first entry point missing, or "".
    std::string Load() {
#ifndef __EMSCRIPTEN__
#define INTERLEAVE_GL_LOAD(ret, name, params)                                   \
    name = reinterpret_cast<decltype(name)>(SDL_GL_GetProcAddress("gl" #name)); \
    if (!name) return "gl" #name;
        INTERLEAVE_TIMELINE_GL(INTERLEAVE_GL_LOAD)
#undef INTERLEAVE_GL_LOAD
#endif
        return "";
    }
};

constexpr size_t kStates = size_t(trace::SpanState::Count);

void ToFloats(uint32_t abgr, float* rgba) {
    for (int c = 0; c < 4; ++c)
        rgba[c] = float((abgr >> (8 * c)) & 0xff) / 255.0f;
}

class GlTimelineRenderer final : public ui::TimelineRenderer {
public:
    ~GlTimelineRenderer() override {
        for (auto& [id, buffer] : m_buffers)
            m_gl.DeleteBuffers(1, &buffer.vbo);
        if (m_stream) m_gl.DeleteBuffers(1, &m_stream);
        if (m_vao) m_gl.DeleteVertexArrays(1, &m_vao);
        if (m_program) m_gl.DeleteProgram(m_program);
    }

    std::string Init() {
        if (std::string missing = m_gl.Load(); !missing.empty()) return std::string("no ").append(missing);
        const std::string vert = ui::TimelineShader("timeline.vert", kDialect);
        const std::string frag = ui::TimelineShader("timeline.frag", kDialect);
        if (vert.empty() || frag.empty()) return "shaders/timeline.vert or .frag is not embedded";
        std::string log;
        const GLuint vs = Compile(GL_VERTEX_SHADER, vert, log);
        if (!vs) return std::string("shaders/timeline.vert does not compile: ").append(log);
        const GLuint fs = Compile(GL_FRAGMENT_SHADER, frag, log);
        if (!fs) {
            m_gl.DeleteShader(vs);
            return std::string("shaders/timeline.frag does not compile: ").append(log);
        }
        m_program = m_gl.CreateProgram();
        m_gl.AttachShader(m_program, vs);
        m_gl.AttachShader(m_program, fs);
        m_gl.LinkProgram(m_program);
        m_gl.DeleteShader(vs);  // flagged: they go with the program
        m_gl.DeleteShader(fs);
        GLint linked = 0;
        m_gl.GetProgramiv(m_program, GL_LINK_STATUS, &linked);
        if (!linked) {
            char text[2048] = {};
            m_gl.GetProgramInfoLog(m_program, sizeof text, nullptr, text);
            return std::string("the timeline's shaders do not link: ").append(text);
        }
        const std::pair<const char*, GLint*> uniforms[] = {
            {"uViewStart", &m_uViewStart},       {"uPxPerNs", &m_uPxPerNs}, {"uLane", &m_uLane},
            {"uMinWidth", &m_uMinWidth},         {"uDisplay", &m_uDisplay}, {"uFbScale", &m_uFbScale},
            {"uSelectedTask", &m_uSelectedTask}, {"uFill", &m_uFill},       {"uInk", &m_uInk},
            {"uPattern", &m_uPattern},           {"uOutline", &m_uOutline}};
        for (const auto& [name, location] : uniforms)
            *location = m_gl.GetUniformLocation(m_program, name);
        m_gl.GenVertexArrays(1, &m_vao);
        m_gl.GenBuffers(1, &m_stream);
        if (const GLenum error = m_gl.GetError(); error != GL_NO_ERROR)
            return std::string("GL error ").append(std::to_string(error)).append(" while setting up the timeline");
        return "";
    }

    uint64_t Upload(std::span<const ui::SpanInstance> instances) override {
        Buffer buffer;
        buffer.instances = uint32_t(instances.size());
        m_gl.GenBuffers(1, &buffer.vbo);
        m_gl.BindBuffer(GL_ARRAY_BUFFER, buffer.vbo);
        m_gl.BufferData(GL_ARRAY_BUFFER, GLsizeiptr(instances.size_bytes()), instances.data(), GL_STATIC_DRAW);
        m_gl.BindBuffer(GL_ARRAY_BUFFER, 0);
        if (m_gl.GetError() != GL_NO_ERROR) {  // out of memory: that trace stays on the CPU path
            m_gl.DeleteBuffers(1, &buffer.vbo);
            return 0;
        }
        const uint64_t id = m_nextId++;
        m_buffers[id] = buffer;
        return id;
    }

    void Release(uint64_t id) override {
        const auto it = m_buffers.find(id);
        if (it == m_buffers.end()) return;
        m_gl.DeleteBuffers(1, &it->second.vbo);
        m_buffers.erase(it);
    }

    void AddLane(ImDrawList* draw, const ui::GpuLaneDraw& lane, std::span<const ui::SpanInstance> streamed) override {
        Lane& record = m_lanes.emplace_back();
        record.renderer = this;
        record.draw = lane;
        if (lane.buffer == 0) {
            record.draw.first = uint32_t(m_streamed.size());
            record.draw.count = uint32_t(streamed.size());
            m_streamed.insert(m_streamed.end(), streamed.begin(), streamed.end());
        }
        if (record.draw.count == 0) {
            m_lanes.pop_back();
            return;
        }
        draw->AddCallback(&GlTimelineRenderer::DrawLaneCallback, &record);
        draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }

    void BeginFrame() {
        m_lanes.clear();
        m_streamed.clear();
        m_streamUploaded = false;
    }

private:
    struct Buffer {
        GLuint vbo = 0;
        uint32_t instances = 0;
    };
    struct Lane {
        GlTimelineRenderer* renderer = nullptr;
        ui::GpuLaneDraw draw;
    };

#ifdef __EMSCRIPTEN__
    static constexpr ui::GlslDialect kDialect = ui::GlslDialect::GlslEs300;
#else
    static constexpr ui::GlslDialect kDialect = ui::GlslDialect::Glsl330;
#endif

    GLuint Compile(GLenum kind, const std::string& source, std::string& log) {
        const GLuint shader = m_gl.CreateShader(kind);
        const GLchar* text = source.c_str();
        m_gl.ShaderSource(shader, 1, &text, nullptr);
        m_gl.CompileShader(shader);
        GLint compiled = 0;
        m_gl.GetShaderiv(shader, GL_COMPILE_STATUS, &compiled);
        if (compiled) return shader;
        char message[2048] = {};
        m_gl.GetShaderInfoLog(shader, sizeof message, nullptr, message);
        log = message;
        m_gl.DeleteShader(shader);
        return 0;
    }

    static void DrawLaneCallback(const ImDrawList*, const ImDrawCmd* cmd) {
        const Lane& lane = *static_cast<const Lane*>(cmd->UserCallbackData);
        lane.renderer->Draw(lane.draw, cmd->ClipRect);
    }

    void Draw(const ui::GpuLaneDraw& lane, const ImVec4& clip) {
        const ImDrawData* data = ImGui::GetDrawData();
        if (!data) return;
        GLuint vbo = m_stream;
        if (lane.buffer != 0) {
            const auto it = m_buffers.find(lane.buffer);
            if (it == m_buffers.end() || lane.first + lane.count > it->second.instances) return;
            vbo = it->second.vbo;
        } else if (!m_streamUploaded) {
            // This frame's streamed lanes, in one upload at the first lane that needs it.
            m_gl.BindBuffer(GL_ARRAY_BUFFER, m_stream);
            m_gl.BufferData(GL_ARRAY_BUFFER, GLsizeiptr(m_streamed.size() * sizeof(ui::SpanInstance)),
                            m_streamed.data(), GL_STREAM_DRAW);
            m_streamUploaded = true;
        }
        // The clip rectangle in framebuffer pixels (GL's origin is bottom left), as the ImGui backend computes it.
        const ImVec2 offset = data->DisplayPos, scale = data->FramebufferScale;
        const float fbHeight = data->DisplaySize.y * scale.y;
        const float x0 = (clip.x - offset.x) * scale.x, y0 = (clip.y - offset.y) * scale.y;
        const float x1 = (clip.z - offset.x) * scale.x, y1 = (clip.w - offset.y) * scale.y;
        if (x1 <= x0 || y1 <= y0) return;
        m_gl.Scissor(GLint(x0), GLint(fbHeight - y1), GLsizei(x1 - x0), GLsizei(y1 - y0));

        m_gl.UseProgram(m_program);
        float viewHi = 0, viewLo = 0;
        ui::SplitTime(lane.t0, viewHi, viewLo);
        m_gl.Uniform2f(m_uViewStart, viewHi, viewLo);
        m_gl.Uniform1f(m_uPxPerNs, float(lane.pxPerNs));
        m_gl.Uniform1f(m_uMinWidth, lane.minWidth);
        m_gl.Uniform4f(m_uLane, lane.x, lane.y, lane.w, lane.h);
        m_gl.Uniform4f(m_uDisplay, offset.x, offset.y, data->DisplaySize.x, data->DisplaySize.y);
        m_gl.Uniform1f(m_uFbScale, scale.x > 0 ? scale.x : 1.0f);
        m_gl.Uniform1i(m_uSelectedTask, lane.selectedTask);
        float fill[kStates * 4], ink[kStates * 4], outline[4];
        GLint pattern[kStates];
        for (size_t s = 0; s < kStates; ++s) {
            ToFloats(lane.fill[s], fill + 4 * s);
            ToFloats(lane.ink[s], ink + 4 * s);
            pattern[s] = lane.pattern[s];
        }
        ToFloats(lane.outline, outline);
        m_gl.Uniform4fv(m_uFill, GLsizei(kStates), fill);
        m_gl.Uniform4fv(m_uInk, GLsizei(kStates), ink);
        m_gl.Uniform1iv(m_uPattern, GLsizei(kStates), pattern);
        m_gl.Uniform4f(m_uOutline, outline[0], outline[1], outline[2], outline[3]);

        // WebGL2 and GL 3.3 have no base instance: point the attributes at the lane's first instance instead.
        m_gl.BindVertexArray(m_vao);
        m_gl.BindBuffer(GL_ARRAY_BUFFER, vbo);
        const auto stride = GLsizei(sizeof(ui::SpanInstance));
        const size_t base = size_t(lane.first) * sizeof(ui::SpanInstance);
        m_gl.EnableVertexAttribArray(0);
        m_gl.VertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<const void*>(base));
        m_gl.VertexAttribDivisor(0, 1);
        m_gl.EnableVertexAttribArray(1);
        m_gl.VertexAttribIPointer(1, 2, GL_INT, stride,
                                  reinterpret_cast<const void*>(base + offsetof(ui::SpanInstance, lane)));
        m_gl.VertexAttribDivisor(1, 1);
        m_gl.DrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(lane.count));
    }

    Gl m_gl;
    GLuint m_program = 0, m_vao = 0, m_stream = 0;
    GLint m_uViewStart = -1, m_uPxPerNs = -1, m_uMinWidth = -1, m_uLane = -1, m_uDisplay = -1, m_uFbScale = -1,
          m_uSelectedTask = -1, m_uFill = -1, m_uInk = -1, m_uPattern = -1, m_uOutline = -1;
    std::unordered_map<uint64_t, Buffer> m_buffers;
    uint64_t m_nextId = 1;
    std::deque<Lane> m_lanes;  // this frame's: a deque keeps the callbacks' pointers valid as it grows
    std::vector<ui::SpanInstance> m_streamed;
    bool m_streamUploaded = false;
};

}  // namespace

std::unique_ptr<ui::TimelineRenderer> CreateGlTimelineRenderer(std::string& why) {
    if (const char* choice = std::getenv("INTERLEAVE_TIMELINE"); choice && std::strcmp(choice, "cpu") == 0) {
        why = "INTERLEAVE_TIMELINE=cpu asked for the CPU path";
        return nullptr;
    }
    auto renderer = std::make_unique<GlTimelineRenderer>();
    why = renderer->Init();
    if (!why.empty()) return nullptr;
    return renderer;
}

void BeginGlTimelineFrame(ui::TimelineRenderer* renderer) {
    if (renderer) static_cast<GlTimelineRenderer*>(renderer)->BeginFrame();
}

}  // namespace interleave::platform
