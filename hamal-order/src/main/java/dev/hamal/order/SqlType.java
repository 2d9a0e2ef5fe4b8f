package dev.hamal.order;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The families of MySQL/MariaDB column types that decide which unified fields a column can feed.
 */
enum SqlType {
  INTEGER,
  DECIMAL,
  FLOATING,
  TEXT,
  ENUM,
  SET,
  JSON,
  BINARY,
  DATE,
  DATETIME,
  TIMESTAMP,
  TIME,
  YEAR,
  BIT,
  OTHER;

  /**
   * The family of a {@code COLUMN_TYPE} or {@code DATA_TYPE} such as {@code bigint(20) unsigned}.
   */
  static SqlType of(String typeName) {
    String name = typeName.strip().toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < name.length() && Character.isLetter(name.charAt(end))) {
      end++;
    }
    return switch (name.substring(0, end)) {
      case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> INTEGER;
      case "decimal", "numeric", "dec", "fixed" -> DECIMAL;
      case "float", "double", "real" -> FLOATING;
      case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" -> TEXT;
      case "enum" -> ENUM;
      case "set" -> SET;
      case "json" -> JSON;
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> BINARY;
      case "date" -> DATE;
      case "datetime" -> DATETIME;
      case "timestamp" -> TIMESTAMP;
      case "time" -> TIME;
      case "year" -> YEAR;
      case "bit" -> BIT;
      default -> OTHER;
    };
  }

  /**
   * The labels of an {@code enum('a','b')} type name, in order; empty when the name carries none (a
   * bare {@code enum} from {@code DATA_TYPE}).
   */
  static List<String> enumLabels(String typeName) {
    String name = typeName.strip();
    int open = name.indexOf('(');
    var labels = new ArrayList<String>();
    if (open < 0) {
      return labels;
    }
    int i = open + 1;
    while (i < name.length() && name.charAt(i) == '\'') {
      var label = new StringBuilder();
      i++;
      while (i < name.length()) {
        char c = name.charAt(i);
        if (c == '\'' && i + 1 < name.length() && name.charAt(i + 1) == '\'') {
          label.append('\'');
          i += 2;
        } else if (c == '\'') {
          i++;
          break;
        } else {
          label.append(c);
          i++;
        }
      }
      labels.add(label.toString());
      if (i < name.length() && name.charAt(i) == ',') {
        i++;
      }
    }
    return labels;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
