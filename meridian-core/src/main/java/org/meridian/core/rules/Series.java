package org.meridian.core.rules;

import java.time.Instant;
import java.util.Arrays;

/**
 * One attribute's recent samples of one entity, in time order, stored flat: a moment (microseconds since the epoch) and
 * a number or a text each. A thousand rules over a hundred thousand entities keep millions of samples; as objects
 * (a Sample, its Instant, its Double) they cost 64 bytes each, here 16.
 */
final class Series {
    private long[] micros = new long[4];
    private double[] numbers = new double[4];
    /** Texts, made only once a text arrives (most series are numbers). */
    private String[] texts;
    private int size;

    int size() {
        return size;
    }

    long micros(int i) {
        return micros[i];
    }

    /** The sample's number, or NaN when it is a text. */
    double number(int i) {
        return numbers[i];
    }

    String text(int i) {
        return texts == null ? null : texts[i];
    }

    Sample sample(int i) {
        Instant at = instant(micros[i]);
        return Double.isNaN(numbers[i]) ? Sample.of(at, text(i)) : Sample.of(at, numbers[i]);
    }

    boolean passes(Comparison test, int i) {
        return Double.isNaN(numbers[i]) ? test.passesText(text(i)) : test.passes(numbers[i]);
    }

    /** Places a sample in time order; a second sample at the same moment replaces the first. Keeps at most {@code max}. */
    void insert(Sample sample, int max) {
        long at = micros(sample.at());
        int i = size;
        while (i > 0 && micros[i - 1] > at) {
            i--;
        }
        if (i > 0 && micros[i - 1] == at) {
            set(i - 1, at, sample);
            return;
        }
        if (size == micros.length) {
            int grown = Math.min(Math.max(4, size * 2), max + 1);
            micros = Arrays.copyOf(micros, grown);
            numbers = Arrays.copyOf(numbers, grown);
            if (texts != null) {
                texts = Arrays.copyOf(texts, grown);
            }
        }
        System.arraycopy(micros, i, micros, i + 1, size - i);
        System.arraycopy(numbers, i, numbers, i + 1, size - i);
        if (texts != null) {
            System.arraycopy(texts, i, texts, i + 1, size - i);
        }
        size++;
        set(i, at, sample);
        if (size > max) {
            dropFirst(size - max);
        }
    }

    private void set(int i, long at, Sample sample) {
        micros[i] = at;
        numbers[i] = sample.number() == null ? Double.NaN : sample.number();
        if (sample.number() == null || texts != null) {
            if (texts == null) {
                texts = new String[micros.length];
            }
            texts[i] = sample.number() == null ? sample.text() : null;
        }
    }

    /** Forgets the oldest n samples. */
    void dropFirst(int n) {
        System.arraycopy(micros, n, micros, 0, size - n);
        System.arraycopy(numbers, n, numbers, 0, size - n);
        if (texts != null) {
            System.arraycopy(texts, n, texts, 0, size - n);
            Arrays.fill(texts, size - n, size, null);
        }
        size -= n;
    }

    /** The index of the last sample at or before the moment, or -1. */
    int lastAtOrBefore(long at) {
        int i = size - 1;
        while (i >= 0 && micros[i] > at) {
            i--;
        }
        return i;
    }

    /** Microseconds since the epoch; moments beyond ±292,000 years (a broken device's clock) saturate. */
    static long micros(Instant at) {
        long seconds = at.getEpochSecond();
        if (seconds > 9_000_000_000_000L || seconds < -9_000_000_000_000L) {
            return seconds > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return seconds * 1_000_000L + at.getNano() / 1_000;
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
