"""The sentence model: all-MiniLM-L6-v2, int8, run by onnxruntime, shipped inside tracer.

``embed(texts)`` gives one unit vector a text (384 numbers); the cosine of two
vectors says how close two sentences are in meaning, whatever words they use
("detained a boy of seventeen" / "a 17-year-old boy has been arrested").

The files are in tracer/claims/model/ (NOTICE there says where they come from and
their licence): model.onnx (22.8 MB) and vocab.txt. Both are checked against their
sha256 when the model is loaded, once a process. Nothing is ever downloaded.

``TRACER_CLAIM_MODEL`` chooses another model: a folder with a model.onnx (inputs
input_ids and attention_mask; output sentence vectors, or token vectors to be
mean-pooled) and its vocab.txt (a BERT WordPiece vocabulary, lower-cased). Set it to
``off`` to match on words and figures alone (faster, and weaker on paraphrase).
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"
SHA256 = {
    "model.onnx": "9fb0d9cc17387ff3c94a4a9a30f8a764f29e47489421b2f8f28f25964fa6ae01",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
MAX_TOKENS = 128  # a sentence is cut after this many word pieces (news sentences are shorter)
_CACHE_SIZE = 20000
# One text a run: the int8 model quantizes its activations with one scale a run, so a text read
# in a batch got a vector that depended on the other texts and the padding (cosine to itself
# down to 0.955); alone, a text always gets the same vector, and it is as fast (5.3 ms a
# sentence alone, 5.5 ms in batches of 16, no padding to compute).
_BATCH = 1


class ClaimModelError(Exception):
    """The sentence model cannot be loaded (a file missing or altered, a bad TRACER_CLAIM_MODEL)."""


# ---------------------------------------------------------------- tokenizer

def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class WordPiece:
    """BERT's lower-casing WordPiece tokenizer (the algorithm of google-research/bert's
    tokenization.py: clean, split CJK characters, lower-case, strip accents, split on
    punctuation, then longest-match-first word pieces). Gives the same ids as the Hugging
    Face ``tokenizers`` BertWordPiece tokenizer, without its dependencies."""

    def __init__(self, vocab: Sequence[str], max_tokens: int = MAX_TOKENS) -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        try:
            self.unk, self.cls, self.sep = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]
        except KeyError as e:
            raise ClaimModelError(f"vocab.txt has no {e.args[0]} token: not a BERT vocabulary") from None
        self.max_tokens = max_tokens
        self._pieces = lru_cache(maxsize=100_000)(self._word_pieces)

    @staticmethod
    def words(text: str) -> list[str]:
        chars = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            category = unicodedata.category(ch)
            if ch in " \t\n\r" or category == "Zs":
                chars.append(" ")
            elif category in ("Cc", "Cf"):
                continue
            elif _is_cjk(cp):
                chars.append(f" {ch} ")
            else:
                chars.append(ch)
        text = unicodedata.normalize("NFD", "".join(chars).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words: list[str] = []
        for token in text.split():
            current: list[str] = []
            for ch in token:
                if _is_punctuation(ch):
                    if current:
                        words.append("".join(current))
                        current = []
                    words.append(ch)
                else:
                    current.append(ch)
            if current:
                words.append("".join(current))
        return words

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        if len(word) > 100:
            return (self.unk,)
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return (self.unk,)
            pieces.append(found)
            start = end
        return tuple(pieces)

    def encode(self, text: str) -> list[int]:
        ids = [self.cls]
        for word in self.words(text):
            ids.extend(self._pieces(word))
            if len(ids) >= self.max_tokens - 1:
                ids = ids[: self.max_tokens - 1]
                break
        ids.append(self.sep)
        return ids


# ---------------------------------------------------------------- the model

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SentenceModel:
    """An ONNX sentence encoder and its tokenizer; ``encode`` gives unit vectors."""

    def __init__(self, folder: Path = MODEL_DIR, *, check: dict[str, str] | None = SHA256, threads: int = 1) -> None:
        model_path, vocab_path = folder / "model.onnx", folder / "vocab.txt"
        for path in (model_path, vocab_path):
            if not path.is_file():
                raise ClaimModelError(f"the claim model has no {path.name} in {folder}")
            if check and path.name in check and _sha256(path) != check[path.name]:
                raise ClaimModelError(f"{path} is not the file tracer shipped (sha256 differs): reinstall tracer")
        try:
            import onnxruntime as ort
        except ImportError as e:  # pragma: no cover - onnxruntime is a dependency
            raise ClaimModelError(f"onnxruntime is not installed: {e}") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own exception types
            raise ClaimModelError(f"cannot load {model_path}: {str(e).splitlines()[0][:200]}") from None
        names = {i.name for i in self.session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= names:
            raise ClaimModelError(f"{model_path} does not take input_ids and attention_mask")
        self.extra_inputs = names - {"input_ids", "attention_mask"}  # token_type_ids, for a plain BERT export
        vocab = vocab_path.read_text(encoding="utf-8").splitlines()
        self.tokenizer = WordPiece(vocab)
        self.name = folder.name if folder != MODEL_DIR else "all-MiniLM-L6-v2 (int8)"
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of texts, one row a text (batched by length, so padding stays short)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encoded = [self.tokenizer.encode(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        rows: list[np.ndarray | None] = [None] * len(texts)
        for b in range(0, len(order), _BATCH):
            batch = order[b : b + _BATCH]
            width = max(len(encoded[i]) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, i in enumerate(batch):
                ids[r, : len(encoded[i])] = encoded[i]
                mask[r, : len(encoded[i])] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            for name in self.extra_inputs:
                feed[name] = np.zeros_like(ids)
            with self._lock:
                out = self.session.run(None, feed)[0]
            if out.ndim == 3:  # token vectors: mean over the real tokens
                out = (out * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
            for r, i in enumerate(batch):
                rows[i] = out[r].astype(np.float32)
        return np.stack(rows)  # type: ignore[arg-type]


_model: SentenceModel | None = None
_model_error: str | None = None
_load_lock = threading.Lock()
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def model_setting() -> str | None:
    """TRACER_CLAIM_MODEL as set: None (the shipped model), "off", or a folder."""
    value = os.environ.get("TRACER_CLAIM_MODEL", "").strip()
    return value or None


def enabled() -> bool:
    return (model_setting() or "").lower() not in ("off", "none", "0", "false", "no")


def sentence_model() -> SentenceModel | None:
    """The loaded model (once a process), or None when TRACER_CLAIM_MODEL=off.

    Raises ClaimModelError when the model cannot be loaded."""
    global _model, _model_error
    if not enabled():
        return None
    if _model is not None:
        return _model
    with _load_lock:
        if _model is None:
            if _model_error:
                raise ClaimModelError(_model_error)
            setting = model_setting()
            try:
                if setting:
                    folder = Path(setting).expanduser()
                    if not folder.is_dir():
                        raise ClaimModelError(f"TRACER_CLAIM_MODEL={setting}: no such folder")
                    _model = SentenceModel(folder, check=None)
                else:
                    _model = SentenceModel()
            except ClaimModelError as e:
                _model_error = str(e)
                raise
    return _model


def embed(texts: Sequence[str]) -> np.ndarray | None:
    """Unit vectors of texts (cached by text), or None when the model is off."""
    model = sentence_model()
    if model is None:
        return None
    missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    if missing:
        for text, row in zip(missing, model.encode(missing)):
            _cache[text] = row
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    rows = []
    for t in texts:
        row = _cache.get(t)
        if row is None:  # evicted while this batch was added (more texts than the cache holds)
            row = model.encode([t])[0]
        else:
            _cache.move_to_end(t)
        rows.append(row)
    return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)


def reset() -> None:
    """Forget the loaded model and cached vectors (tests that change TRACER_CLAIM_MODEL)."""
    global _model, _model_error
    with _load_lock:
        _model, _model_error = None, None
        _cache.clear()
