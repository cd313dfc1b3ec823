package org.meridian.core.query;

import java.util.regex.Pattern;

/** Guards the column names that the SQL builders splice into SQL text, the one part not passed as a parameter. */
final class SqlColumns {
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private SqlColumns() {
    }

    /** Returns the name when it is a plain, optionally table-qualified, identifier. */
    static String require(String columnName) {
        if (!COLUMN.matcher(columnName).matches()) {
            throw new IllegalArgumentException("not a plain column name: " + columnName);
        }
        return columnName;
    }
}
