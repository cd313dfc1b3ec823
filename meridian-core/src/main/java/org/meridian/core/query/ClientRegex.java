package org.meridian.core.query;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.meridian.core.error.MeridianException;

/**
 * A regular expression a client supplied (a query's {@code ~=}, an {@code idPattern}). Compiled with RE2/J, whose
 * matching time is linear in the text: a backtracking engine let one crafted pattern hold a writing transaction for
 * 28 s. The RE2 syntax has no backreferences or lookaround, which is also what keeps PostgreSQL's engine, running the
 * same pattern in SQL, away from its exponential paths. The length cap bounds the compiled program, so matching costs
 * at most a fixed multiple of the text's length.
 */
public final class ClientRegex {
    /** Longest pattern accepted, in characters. */
    public static final int MAX_LENGTH = 1_000;

    private ClientRegex() {
    }

    /** The compiled pattern, or BadRequestData saying what is wrong, after {@code where} when it is not null. */
    public static Pattern compile(String regex, String where) {
        String prefix = where == null ? "" : where + ": ";
        if (regex.length() > MAX_LENGTH) {
            throw MeridianException.badData(prefix + "regular expression longer than " + MAX_LENGTH + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw MeridianException.badData(prefix + "invalid regular expression (RE2 syntax: no backreferences or"
                    + " lookaround): " + e.getDescription() + " in " + e.getPattern());
        }
    }
}
