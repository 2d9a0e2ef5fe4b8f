package dev.hamal.gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The static checks a template expression passes before it is compiled, on top of JSONata's own
 * syntax check: names starting with {@code __} are refused (the evaluator keeps its runtime bounds
 * under such names; a template that rebinds them could switch the bounds off), every {@code $name}
 * must be a known function or a variable the expression binds itself ({@code $x := ...} or a lambda
 * parameter) so a typo fails at creation instead of silently yielding nothing, nesting is capped
 * (the parser is recursive), and {@code $formatTime} calls with literal zone and pattern have them
 * checked.
 *
 * <p>The scan reads JSONata's lexical structure the way its tokenizer does (strings, backquoted
 * names, comments, regular expressions; a variable name runs to whitespace or an operator
 * character). Where it guesses (is {@code /} a division or a regular expression?) a wrong guess can
 * only cost a false report on a legal expression or a missed typo; the reserved-name rule reads the
 * raw text and does not depend on it. Stateless.
 */
final class TemplateExpressionCheck {
  /** Nesting of brackets, parentheses and braces an expression may use. */
  static final int MAX_NESTING = 32;

  private static final String OPERATOR_CHARS = ".[]{}(),@#;:?+-*/%|=<>^&!~";
  private static final String REGEX_BEFORE = "([{,:;?=<>!&|~+-^";

  /** One finding: where in the expression (0-based character) and what is wrong. */
  record Finding(int position, String message) {}

  private enum Type {
    VARIABLE,
    STRING,
    NAME,
    PUNCT,
    REGEX
  }

  private record Token(Type type, String text, int position) {}

  private TemplateExpressionCheck() {}

  /** Every finding in {@code expression}; empty when it passes. */
  static List<Finding> check(String expression) {
    List<Finding> findings = new ArrayList<>();
    int reserved = expression.indexOf("$__");
    if (reserved >= 0) {
      findings.add(new Finding(reserved, "names starting with __ are reserved for the evaluator"));
      return findings;
    }
    List<Token> tokens;
    try {
      tokens = tokens(expression);
    } catch (IllegalStateException e) {
      // unterminated string or comment: JSONata's parser reports it with its own code
      return findings;
    }
    int depth = 0;
    for (Token token : tokens) {
      if (token.type() == Type.PUNCT && "([{".contains(token.text())) {
        depth++;
        if (depth > MAX_NESTING) {
          findings.add(
              new Finding(token.position(), "nested more than " + MAX_NESTING + " levels deep"));
          return findings;
        }
      } else if (token.type() == Type.PUNCT && ")]}".contains(token.text())) {
        depth = Math.max(0, depth - 1);
      }
    }
    Set<String> bound = bound(tokens);
    Set<String> reported = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.type() != Type.VARIABLE) {
        continue;
      }
      String name = token.text();
      if (name.isEmpty() || name.equals("$") || bound.contains(name)) {
        continue;
      }
      if (TemplateFunctions.REMOVED.contains(name)) {
        findings.add(new Finding(token.position(), "$" + name + " is not available in templates"));
      } else if (!TemplateFunctions.CUSTOM.contains(name)
          && !TemplateFunctions.BUILT_IN.contains(name)
          && reported.add(name)) {
        findings.add(
            new Finding(
                token.position(),
                "unknown function or variable $"
                    + name
                    + " (not a JSONata or template function, and not bound in this expression)"));
      }
      if (name.equals("formatTime") && !bound.contains(name)) {
        checkFormatTime(tokens, i, findings);
      }
    }
    return findings;
  }

  /** Variables bound by {@code :=} or as lambda parameters anywhere in the expression. */
  private static Set<String> bound(List<Token> tokens) {
    Set<String> bound = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.type() == Type.VARIABLE
          && i + 1 < tokens.size()
          && tokens.get(i + 1).text().equals(":=")) {
        bound.add(token.text());
      }
      if (token.type() == Type.NAME
          && (token.text().equals("function") || token.text().equals("λ"))
          && i + 1 < tokens.size()
          && tokens.get(i + 1).text().equals("(")) {
        for (int j = i + 2; j < tokens.size() && !tokens.get(j).text().equals(")"); j++) {
          if (tokens.get(j).type() == Type.VARIABLE) {
            bound.add(tokens.get(j).text());
          }
        }
      }
    }
    return bound;
  }

  private static void checkFormatTime(List<Token> tokens, int at, List<Finding> findings) {
    if (at + 1 >= tokens.size() || !tokens.get(at + 1).text().equals("(")) {
      return;
    }
    List<List<Token>> args = new ArrayList<>();
    List<Token> current = new ArrayList<>();
    int depth = 0;
    for (int i = at + 2; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.type() == Type.PUNCT && "([{".contains(token.text())) {
        depth++;
      } else if (token.type() == Type.PUNCT && ")]}".contains(token.text())) {
        if (depth == 0) {
          args.add(current);
          break;
        }
        depth--;
      } else if (depth == 0 && token.text().equals(",") && token.type() == Type.PUNCT) {
        args.add(current);
        current = new ArrayList<>();
        continue;
      }
      current.add(token);
    }
    if (args.size() >= 2 && literal(args.get(1))) {
      Token zone = args.get(1).getFirst();
      try {
        TemplateFunctions.zone(zone.text());
      } catch (TemplateFunctionException e) {
        findings.add(new Finding(zone.position(), e.getMessage()));
      }
    }
    if (args.size() >= 3 && literal(args.get(2))) {
      Token pattern = args.get(2).getFirst();
      try {
        TemplateFunctions.formatter(pattern.text());
      } catch (TemplateFunctionException e) {
        findings.add(new Finding(pattern.position(), e.getMessage()));
      }
    }
  }

  private static boolean literal(List<Token> arg) {
    return arg.size() == 1 && arg.getFirst().type() == Type.STRING;
  }

  private static List<Token> tokens(String s) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        if (end < 0) {
          throw new IllegalStateException("unterminated comment");
        }
        i = end + 2;
      } else if (c == '/' && regexAllowed(tokens)) {
        int start = i++;
        while (i < n && s.charAt(i) != '/') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        while (i < n && Character.isLetter(s.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Type.REGEX, s.substring(start, Math.min(i, n)), start));
      } else if (c == '"' || c == '\'') {
        int start = i++;
        StringBuilder value = new StringBuilder();
        while (true) {
          if (i >= n) {
            throw new IllegalStateException("unterminated string");
          }
          char d = s.charAt(i);
          if (d == c) {
            i++;
            break;
          }
          if (d == '\\' && i + 1 < n) {
            char e = s.charAt(i + 1);
            switch (e) {
              case 'n' -> value.append('\n');
              case 't' -> value.append('\t');
              case 'r' -> value.append('\r');
              case 'b' -> value.append('\b');
              case 'f' -> value.append('\f');
              case 'u' -> {
                if (i + 6 > n) {
                  throw new IllegalStateException("bad escape");
                }
                try {
                  value.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                } catch (NumberFormatException x) {
                  throw new IllegalStateException("bad escape", x);
                }
                i += 4;
              }
              default -> value.append(e);
            }
            i += 2;
          } else {
            value.append(d);
            i++;
          }
        }
        tokens.add(new Token(Type.STRING, value.toString(), start));
      } else if (c == '`') {
        int end = s.indexOf('`', i + 1);
        if (end < 0) {
          throw new IllegalStateException("unterminated name");
        }
        tokens.add(new Token(Type.NAME, s.substring(i + 1, end), i));
        i = end + 1;
      } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == '=') {
        tokens.add(new Token(Type.PUNCT, ":=", i));
        i += 2;
      } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
        tokens.add(new Token(Type.PUNCT, String.valueOf(c), i));
        i++;
      } else {
        int start = i;
        i++;
        while (i < n
            && !Character.isWhitespace(s.charAt(i))
            && OPERATOR_CHARS.indexOf(s.charAt(i)) < 0) {
          i++;
        }
        String word = s.substring(start, i);
        if (c == '$') {
          tokens.add(new Token(Type.VARIABLE, word.substring(1), start));
        } else {
          tokens.add(new Token(Type.NAME, word, start));
        }
      }
    }
    return tokens;
  }

  private static boolean regexAllowed(List<Token> tokens) {
    if (tokens.isEmpty()) {
      return true;
    }
    Token last = tokens.getLast();
    return switch (last.type()) {
      case PUNCT -> last.text().equals(":=") || REGEX_BEFORE.contains(last.text());
      case NAME ->
          last.text().equals("and") || last.text().equals("or") || last.text().equals("in");
      default -> false;
    };
  }
}
