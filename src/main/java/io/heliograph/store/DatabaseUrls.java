package io.heliograph.store;

import java.util.regex.Pattern;

/** Database URLs as they may be shown: in error messages and logs, never with their credentials. */
public final class DatabaseUrls {
    /** {@code password=…}, {@code sslpassword=…} and the like, up to the next parameter. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;][^=&;#?]*password=)[^&;#]*");
    /** The password of {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

    private DatabaseUrls() {
    }

    public static String redact(String url) {
        String userInfo = USER_INFO_PASSWORD.matcher(url).replaceFirst("$1***@");
        return PASSWORD_PARAMETER.matcher(userInfo).replaceAll("$1***");
    }
}
