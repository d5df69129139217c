package io.crmemail.core.compose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The last few results of a pure function of a string, for inputs up to a size: a mail merge sends one template
 * body to thousands of records, and working it out again for each costs far more than a lookup.
 */
final class RecentResults {

    private final int maxInputChars;
    private final Map<String, String> recent;

    RecentResults(int entries, int maxInputChars) {
        this.maxInputChars = maxInputChars;
        this.recent = new LinkedHashMap<>(entries * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > entries;
            }
        };
    }

    /** {@code function.apply(input)}, remembered when the input is small enough. */
    String apply(String input, Function<String, String> function) {
        if (input.length() > maxInputChars) {
            return function.apply(input);
        }
        synchronized (recent) {
            String known = recent.get(input);
            if (known != null) {
                return known;
            }
        }
        String result = function.apply(input);
        synchronized (recent) {
            recent.put(input, result);
        }
        return result;
    }

    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
