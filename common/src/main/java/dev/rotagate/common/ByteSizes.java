package dev.rotagate.common;

import java.util.Locale;

/** Parses byte sizes of the config: {@code 512}, {@code 16KiB}, {@code 1MiB}, {@code 2GiB} (also KB/MB/GB as 1000s). */
public final class ByteSizes {

    private ByteSizes() {
    }

    public static long parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 15) {
            throw invalid(text);
        }
        long amount = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long factor;
        switch (unit) {
            case "":
            case "b":
                factor = 1;
                break;
            case "kib":
                factor = 1L << 10;
                break;
            case "mib":
                factor = 1L << 20;
                break;
            case "gib":
                factor = 1L << 30;
                break;
            case "kb":
                factor = 1000;
                break;
            case "mb":
                factor = 1000_000;
                break;
            case "gb":
                factor = 1000_000_000;
                break;
            default:
                throw invalid(text);
        }
        return Math.multiplyExact(amount, factor);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("size: " + text + " (expected: a number of bytes, optionally with KiB, MiB or GiB)");
    }
}
