"""Reading HTML as a browser would, with the standard library's parser: elements, their attributes, forms."""
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    form: int | None  # the index of the <form> the element sits in, if any
    text: str = ""


@dataclass
class Form:
    attrs: dict[str, str | None]
    controls: list[Element] = field(default_factory=list)

    def submit_buttons(self) -> list[Element]:
        """Submit buttons in document order; the first is the one Enter in a field presses."""
        return [control for control in self.controls if is_submit(control)]


def is_submit(element: Element) -> bool:
    if element.tag == "button":
        return (element.attrs.get("type") or "submit").lower() == "submit"
    return element.tag == "input" and (element.attrs.get("type") or "").lower() in ("submit", "image")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.forms: list[Form] = []
        self._form: int | None = None
        self._open_button: Element | None = None

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self._form)
        if tag == "form":
            self.forms.append(Form(element.attrs))
            self._form = len(self.forms) - 1
            element.form = self._form
        self.elements.append(element)
        if tag in ("input", "button", "select", "textarea"):
            owner = element.attrs.get("form")
            if owner is None and self._form is not None:
                self.forms[self._form].controls.append(element)
        if tag == "button":
            self._open_button = element

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "button":
            self._open_button = None

    def handle_data(self, data):
        if self._open_button is not None:
            self._open_button.text += data


def parse(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader
