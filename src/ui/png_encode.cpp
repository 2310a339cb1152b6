// A small PNG encoder. See png_encode.h.
#include "ui/png_encode.h"

#include <array>

namespace interleave::ui {

namespace {

uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc = 0) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (size_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void PutU32(std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
        out += char((v >> s) & 0xff);
}

void PutChunk(std::string& out, const char type[4], const std::string& data) {
    PutU32(out, uint32_t(data.size()));
    const size_t start = out.size();
    out.append(type, 4).append(data);
    PutU32(out, Crc32(reinterpret_cast<const uint8_t*>(out.data()) + start, out.size() - start));
}

// Deflate's bit stream: least significant bit first; Huffman codes go in most significant bit first.
class BitWriter {
public:
    explicit BitWriter(std::string& out) : m_out(out) {}
    void Bits(uint32_t value, int count) {
        for (int i = 0; i < count; ++i)
            Bit((value >> i) & 1);
    }
    void Code(uint32_t code, int length) {
        for (int i = length - 1; i >= 0; --i)
            Bit((code >> i) & 1);
    }
    void Flush() {
        if (m_count) m_out += char(m_byte);
        m_byte = 0, m_count = 0;
    }

private:
    void Bit(uint32_t b) {
        m_byte |= uint8_t(b << m_count);
        if (++m_count == 8) Flush();
    }
    std::string& m_out;
    uint8_t m_byte = 0;
    int m_count = 0;
};

// A literal/length symbol in the fixed Huffman code (RFC 1951, 3.2.6).
void FixedSymbol(BitWriter& w, int sym) {
    if (sym < 144)
        w.Code(uint32_t(0x30 + sym), 8);
    else if (sym < 256)
        w.Code(uint32_t(0x190 + sym - 144), 9);
    else if (sym < 280)
        w.Code(uint32_t(sym - 256), 7);
    else
        w.Code(uint32_t(0xC0 + sym - 280), 8);
}

void FixedLength(BitWriter& w, int length) {
    static constexpr int kBase[] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr int kExtra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                     2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    int code = 28;
    while (kBase[code] > length)
        --code;
    FixedSymbol(w, 257 + code);
    w.Bits(uint32_t(length - kBase[code]), kExtra[code]);
}

// One fixed-Huffman block whose only matches repeat the previous pixel (distance 4): a picture of flat rectangles
// is mostly such runs. Not as small as zlib's best, but a few dozen lines and no dependency.
std::string Deflate(const std::string& raw) {
    std::string z = {char(0x78), char(0x01)};
    BitWriter w(z);
    w.Bits(1, 1);  // final block
    w.Bits(1, 2);  // fixed Huffman
    size_t i = 0;
    while (i < raw.size()) {
        size_t run = 0;
        if (i >= 4)
            while (run < 258 && i + run < raw.size() && raw[i + run] == raw[i + run - 4])
                ++run;
        if (run >= 3) {
            FixedLength(w, int(run));
            w.Code(3, 5);  // distance code 3: distance 4, no extra bits
            i += run;
        } else {
            FixedSymbol(w, uint8_t(raw[i]));
            ++i;
        }
    }
    FixedSymbol(w, 256);
    w.Flush();
    uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    PutU32(z, (b << 16) | a);
    return z;
}

}  // namespace

std::string EncodePng(int width, int height, const uint8_t* rgba) {
    if (width <= 0 || height <= 0 || !rgba) return {};
    const size_t rowBytes = size_t(width) * 4;
    std::string raw;
    raw.reserve((rowBytes + 1) * size_t(height));
    for (int y = 0; y < height; ++y) {
        raw += char(0);  // filter: none
        raw.append(reinterpret_cast<const char*>(rgba + rowBytes * size_t(y)), rowBytes);
    }
    std::string png = "\x89PNG\r\n\x1a\n";
    std::string ihdr;
    PutU32(ihdr, uint32_t(width));
    PutU32(ihdr, uint32_t(height));
    ihdr.append({char(8), char(6), char(0), char(0), char(0)});  // 8-bit RGBA, deflate, no filter choice, no interlace
    PutChunk(png, "IHDR", ihdr);
    PutChunk(png, "IDAT", Deflate(raw));
    PutChunk(png, "IEND", {});
    return png;
}

}  // namespace interleave::ui
