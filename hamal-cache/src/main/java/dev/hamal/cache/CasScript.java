package dev.hamal.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The compare-and-set script that writes one order: it stores the order only when the key holds
 * none or an older version, and renews the key's time to live.
 *
 * <p>{@code KEYS[1]} is the order's key; {@code ARGV} are the version (fixed-width text, {@code
 * FFFFFFFFFF.PPPPPPPPPPPP.RRRRRRRRR}), the state ({@code LIVE}, {@code ARCHIVED}, {@code DELETED}),
 * the commit time (ISO-8601), the order's canonical JSON and the time to live in milliseconds. The
 * hash fields are {@code v}, {@code s}, {@code t} and {@code o}.
 *
 * <p>Versions are compared part by part as numbers (each part is below 2<sup>53</sup>, exact in
 * Lua's doubles), which orders them exactly as their fixed-width text does, and does not depend on
 * the server's collation locale the way Lua's string comparison would.
 *
 * <p>Replies: {@value #APPLIED} applied, {@value #STALE} stale (the stored version is the same or
 * newer), {@value #BAD_VERSION} the version is not in the fixed-width form, {@value #FOREIGN_VALUE}
 * the key holds something that is not a Hamal order (another type, or a hash without a valid
 * version), {@value #BAD_ARGUMENT} a state or time to live the script does not accept.
 */
final class CasScript {

  static final long APPLIED = 1;
  static final long STALE = 0;
  static final long BAD_VERSION = -1;
  static final long FOREIGN_VALUE = -2;
  static final long BAD_ARGUMENT = -3;

  static final String SOURCE =
      """
      local version_pattern = '^' .. string.rep('%d', 10) .. '%.' .. string.rep('%d', 12)
          .. '%.' .. string.rep('%d', 9) .. '$'
      local function compare(a, b)
        for _, range in ipairs({{1, 10}, {12, 23}, {25, 33}}) do
          local x = tonumber(string.sub(a, range[1], range[2]))
          local y = tonumber(string.sub(b, range[1], range[2]))
          if x ~= y then
            if x < y then return -1 end
            return 1
          end
        end
        return 0
      end
      local version = ARGV[1]
      if not string.match(version, version_pattern) then return -1 end
      local state = ARGV[2]
      if state ~= 'LIVE' and state ~= 'ARCHIVED' and state ~= 'DELETED' then return -3 end
      local ttl = tonumber(ARGV[5])
      if not ttl or ttl < 1 then return -3 end
      local kind = redis.call('TYPE', KEYS[1])['ok']
      if kind ~= 'none' and kind ~= 'hash' then return -2 end
      local current = redis.call('HGET', KEYS[1], 'v')
      if current then
        if not string.match(current, version_pattern) then return -2 end
        if compare(current, version) >= 0 then return 0 end
      elseif kind == 'hash' then
        return -2
      end
      redis.call('HSET', KEYS[1], 'v', version, 's', state, 't', ARGV[3], 'o', ARGV[4])
      redis.call('PEXPIRE', KEYS[1], ttl)
      return 1
      """;

  /** The SHA-1 Redis names the script by. */
  static final String SHA = sha1(SOURCE);

  private CasScript() {}

  /** Why the script refused a write, for the dead-letter record. */
  static String reason(long reply) {
    if (reply == BAD_VERSION) {
      return "the cache refused the write: the version is not in the fixed-width form";
    }
    if (reply == FOREIGN_VALUE) {
      return "the cache refused the write: the order's key holds a value that is not a Hamal"
          + " order (another type or no valid version); delete the key or change the key prefix";
    }
    if (reply == BAD_ARGUMENT) {
      return "the cache refused the write: state or time to live not accepted";
    }
    return "the cache refused the write with an unknown reply " + reply;
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
