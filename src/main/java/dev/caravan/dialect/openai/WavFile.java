package dev.caravan.dialect.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Wraps raw PCM (signed 16-bit little-endian, mono: what Gemini's TTS models answer) in the 44-byte RIFF/WAVE header
 * of a canonical WAV file. Stateless; thread-safe.
 */
final class WavFile {

    static final int HEADER_BYTES = 44;

    private WavFile() {
    }

    /** The WAV file of {@code pcm} at {@code sampleRate} Hz, 16 bits, one channel. */
    static byte[] of(byte[] pcm, int sampleRate) {
        int channels = 1;
        int bitsPerSample = 16;
        int blockAlign = channels * bitsPerSample / 8;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + pcm.length).put(new byte[] {'W', 'A', 'V', 'E'});
        // the format chunk: 16 bytes of PCM (format 1)
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) channels)
                .putInt(sampleRate).putInt(sampleRate * blockAlign).putShort((short) blockAlign)
                .putShort((short) bitsPerSample);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(pcm.length).put(pcm);
        return b.array();
    }
}
