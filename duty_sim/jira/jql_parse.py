"""JQL syntax for the Jira simulator: a tokenizer and recursive-descent parser (the evaluator is `jql`).

`parse()` turns text into a `Query` (a WHERE tree plus ORDER BY terms) and raises `JqlError` with the
message Jira Cloud would put in `errorMessages`.

Precedence is NOT > AND > OR; keywords and field names are case-insensitive; values may be bare words,
"double" or 'single' quoted strings with backslash escapes, lists in parentheses, or functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters Jira refuses outside quotes (its "reserved JQL characters").
_RESERVED_CHARS = set("+.;?|*/%^$#@[]&")
_SPECIALS = set("(),\" '=!<>~\t\r\n") | _RESERVED_CHARS
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
_OPERATORS = ("!=", "!~", "<=", ">=", "=", "<", ">", "~")
_VALID_OPERATORS = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'"
MAX_ORDER_BY_FIELDS = 7


class JqlError(Exception):
    """A JQL problem Jira answers with 400; `message` is the text for `errorMessages`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Token:
    """A lexical token and where it starts in the query text."""

    kind: str  # word | string | op | ( | ) | , | eof
    text: str
    pos: int  # 0-based offset into the query text

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


@dataclass(frozen=True, slots=True)
class Literal:
    """A value written as a bare word or a quoted string."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Function:
    """A function call used as a value, e.g. currentUser()."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Empty:
    """EMPTY or NULL."""

    pass


Value = Literal | Function | Empty


@dataclass(frozen=True, slots=True)
class ValueList:
    """A parenthesised list of values, for IN and NOT IN."""

    items: tuple[Value, ...]


Operand = Value | ValueList


@dataclass(frozen=True, slots=True)
class Clause:
    """`field op operand`, e.g. assignee IS EMPTY."""

    field: str  # as written (errors quote it like this)
    op: str  # lower case: = != < > <= >= ~ !~ in "not in" is "is not"
    operand: Operand


@dataclass(frozen=True, slots=True)
class And:
    """All parts must match."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any part may match."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The part must not match."""

    part: Node


Node = Clause | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderTerm:
    """One ORDER BY field and its direction."""

    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the WHERE tree (None when absent) and the ORDER BY terms."""

    where: Node | None
    order_by: tuple[OrderTerm, ...] = ()

    @property
    def bounded(self) -> bool:
        """Jira's "search restriction": any WHERE clause. ORDER BY alone (or nothing) is unbounded."""
        return self.where is not None


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"(line {line}, character {column})"


def _syntax(text: str, pos: int, message: str) -> JqlError:
    return JqlError(f"Error in the JQL Query: {message} {_where(text, pos)}")


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote, i = text[start], start + 1
    out: list[str] = []
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", " ": " "}
    while i < len(text):
        char = text[i]
        if char == quote:
            return "".join(out), i + 1
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u":
                digits = text[i + 2 : i + 6]
                if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                    raise _syntax(text, i, f"The escape sequence '\\u{digits}' is illegal.")
                out.append(chr(int(digits, 16)))
                i += 6
                continue
            if nxt not in escapes:
                raise _syntax(text, i, f"The escape sequence '\\{nxt}' is illegal.")
            out.append(escapes[nxt])
            i += 2
            continue
        out.append(char)
        i += 1
    raise _syntax(text, start, f"The quoted string '{text[start + 1 :]}' has not been completed.")


def tokenize(text: str) -> list[Token]:
    """Split JQL into tokens, rejecting reserved characters outside quotes as Jira does."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            value, end = _read_string(text, i)
            tokens.append(Token("string", value, i))
            i = end
        elif char in "(),":
            tokens.append(Token(char, char, i))
            i += 1
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            tokens.append(Token("op", op, i))
            i += len(op)
        elif char in _RESERVED_CHARS or char == "!":
            raise _syntax(
                text,
                i,
                f"The character '{char}' is a reserved JQL character. You must enclose it in a string "
                f"or use the escape '\\u{ord(char):04x}' instead.",
            )
        else:
            start = i
            while i < len(text) and text[i] not in _SPECIALS:
                i += 1
            tokens.append(Token("word", text[start:i], start))
    tokens.append(Token("eof", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def error(self, message: str, token: Token | None = None) -> JqlError:
        return _syntax(self.text, (token or self.tok).pos, message)

    def end_error(self, expecting: str) -> JqlError:
        return JqlError(f"Error in the JQL Query: Expecting {expecting} but reached the end of the query.")

    def query(self) -> Query:
        where = None
        if self.tok.kind != "eof" and not self.tok.is_keyword("order"):
            where = self.or_expr()
        order_by = self.order_by() if self.tok.is_keyword("order") else ()
        if self.tok.kind != "eof":
            raise self.error(f"Expecting either 'OR' or 'AND' but got '{self.tok.text}'.")
        return Query(where, order_by)

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.tok.is_keyword("or"):
            self.advance()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.tok.is_keyword("and"):
            self.advance()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Node:
        if self.tok.is_keyword("not"):
            self.advance()
            return Not(self.not_expr())
        if self.tok.kind == "(":
            self.advance()
            inner = self.or_expr()
            if self.tok.kind == "eof":
                raise self.end_error("')'")
            if self.tok.kind != ")":
                raise self.error(f"Expecting ')' but got '{self.tok.text}'.")
            self.advance()
            return inner
        return self.clause()

    def field_name(self) -> str:
        token = self.tok
        if token.kind == "eof":
            raise self.end_error("a field name")
        if token.kind == "string" or (token.kind == "word" and token.text.lower() not in _KEYWORDS):
            self.advance()
            return token.text
        raise self.error(f"Expecting a field name but got '{token.text}'.")

    def clause(self) -> Clause:
        field = self.field_name()
        op = self.operator()
        if op in ("is", "is not"):
            if not self.tok.is_keyword("empty", "null"):
                raise self.error(f"The operator '{op.upper()}' only supports searching for EMPTY values.")
            self.advance()
            return Clause(field, op, Empty())
        operand: Operand = self.value_list() if op in ("in", "not in") else self.value()
        return Clause(field, op, operand)

    def operator(self) -> str:
        token = self.tok
        if token.kind == "op":
            self.advance()
            return token.text
        if token.is_keyword("in", "is"):
            self.advance()
            if token.text.lower() == "is" and self.tok.is_keyword("not"):
                self.advance()
                return "is not"
            return token.text.lower()
        if token.is_keyword("not"):
            self.advance()
            if self.tok.is_keyword("in"):
                self.advance()
                return "not in"
        if token.kind == "eof":
            raise self.end_error("an operator")
        raise self.error(
            f"Expecting operator but got '{token.text}'. The valid operators are {_VALID_OPERATORS}."
        )

    def value(self) -> Value:
        token = self.tok
        if token.kind == "eof":
            raise self.end_error("either a value, list or function")
        if token.kind == "string":
            self.advance()
            return Literal(token.text, quoted=True)
        if token.kind == "word":
            lowered = token.text.lower()
            if lowered in ("empty", "null"):
                self.advance()
                return Empty()
            if lowered in _KEYWORDS:
                raise self.error(
                    f"'{token.text}' is a reserved JQL word. You must surround it in quotation marks "
                    "to use it in a query."
                )
            self.advance()
            if self.tok.kind == "(":
                return Function(token.text, self.arguments())
            return Literal(token.text)
        raise self.error(
            f"Expecting either a value, list or function but got '{token.text}'. "
            f"You must surround '{token.text}' in quotation marks to use it as a value."
        )

    def arguments(self) -> tuple[str, ...]:
        self.advance()  # "("
        args: list[str] = []
        while self.tok.kind != ")":
            if self.tok.kind not in ("word", "string"):
                raise self.error(f"Expecting ')' but got '{self.tok.text or 'EOF'}'.")
            args.append(self.advance().text)
            if self.tok.kind == ",":
                self.advance()
        self.advance()
        return tuple(args)

    def value_list(self) -> Operand:
        if self.tok.kind != "(":
            value = self.value()  # `status in Done` is a Jira error, but a function is fine
            if isinstance(value, Function):
                return value
            raise self.error("Expecting '(' but got a single value.")
        self.advance()
        items = [self.value()]
        while self.tok.kind == ",":
            self.advance()
            items.append(self.value())
        if self.tok.kind == "eof":
            raise self.end_error("')'")
        if self.tok.kind != ")":
            raise self.error(f"Expecting ')' but got '{self.tok.text}'.")
        self.advance()
        return ValueList(tuple(items))

    def order_by(self) -> tuple[OrderTerm, ...]:
        self.advance()  # ORDER
        if not self.tok.is_keyword("by"):
            if self.tok.kind == "eof":
                raise self.end_error("'by'")
            raise self.error(f"Expecting 'by' but got '{self.tok.text}'.")
        self.advance()
        terms = [self.order_term()]
        while self.tok.kind == ",":
            self.advance()
            terms.append(self.order_term())
        return tuple(terms)

    def order_term(self) -> OrderTerm:
        field = self.field_name()
        descending = False
        if self.tok.is_keyword("asc", "desc"):
            descending = self.advance().text.lower() == "desc"
        return OrderTerm(field, descending)


def parse(text: str) -> Query:
    """Parse JQL text; raises `JqlError` with Jira's wording on a syntax error."""
    query = _Parser(text).query()
    if len(query.order_by) > MAX_ORDER_BY_FIELDS:
        raise JqlError(f"The ORDER BY clause may contain at most {MAX_ORDER_BY_FIELDS} fields.")
    return query


def quote(value: str) -> str:
    """A JQL string literal for any text, escaping backslashes and double quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
