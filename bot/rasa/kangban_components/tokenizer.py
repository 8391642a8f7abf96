"""Jieba tokenizer that is safe for real patient input.

Differences to Rasa's built-in ``JiebaTokenizer``:

* Full-width ASCII (``１４０／９０``, ``ＣＴ``) and the ideographic space are mapped to
  half-width before segmentation. The mapping is one character to one character, so
  token offsets still point into the original text and entity values stay verbatim.
* Whitespace-only and punctuation-only tokens are dropped. Rasa's built-in tokenizer
  keeps them, and the CountVectorsFeaturizer later throws them away, which breaks the
  token/feature alignment DIET relies on (RasaHQ/rasa#7910, #6988).
* ``dictionary_path`` may be a single user-dictionary file (ours:
  ``nlu_data/jieba_userdict.txt``) or a directory of them (Rasa's behaviour). The files
  are copied into the model, so a served model does not need the path.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from kangban_components.text import to_halfwidth

logger = logging.getLogger(__name__)

# Characters that form a token on their own but carry no meaning for us. "/" is kept:
# it separates systolic/diastolic in "140/90".
_DROP_CHARS = set(" \t\r\n\u3000\u00a0，。！？、；：,.!?;:~～…·'\"“”‘’（）()【】[]{}<>《》「」『』-—_=+*#@&|\\^`")


def _is_droppable(word: str) -> bool:
    return all(ch in _DROP_CHARS or ch.isspace() for ch in word)


def _dictionary_files(path: str) -> list[str]:
    if os.path.isfile(path):
        return [path]
    return sorted(glob.glob(f"{path}/*"))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class KangbanJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer with normalisation, whitespace/punctuation filtering."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        config = JiebaTokenizer.get_default_config()
        config["drop_punctuation"] = True
        return config

    @staticmethod
    def _load_custom_dictionary(path: str) -> None:
        import jieba

        for userdict in _dictionary_files(path):
            logger.info(f"Loading Jieba user dictionary at {userdict}")
            jieba.load_userdict(userdict)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KangbanJiebaTokenizer:
        if config.get("dictionary_path") is not None:
            cls._load_custom_dictionary(config["dictionary_path"])
        return cls(config, model_storage, resource)

    def persist(self) -> None:
        dictionary_path = self._config["dictionary_path"]
        if dictionary_path is None:
            return
        with self._model_storage.write_to(self._resource) as resource_directory:
            os.makedirs(resource_directory, exist_ok=True)
            for userdict in _dictionary_files(dictionary_path):
                shutil.copy2(userdict, str(resource_directory))

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        import jieba

        text = message.get(attribute)
        normalised = to_halfwidth(text)
        tokens = [Token(word, start) for (word, start, _end) in jieba.tokenize(normalised)]
        if self._config.get("drop_punctuation", True):
            kept = [t for t in tokens if not _is_droppable(t.text)]
            if kept:
                tokens = kept
            elif tokens:
                # Nothing but punctuation/space: keep one token so featurizers get input.
                tokens = tokens[:1]
        return self._apply_token_pattern(tokens)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KangbanJiebaTokenizer:
        if config.get("dictionary_path") is not None:
            try:
                with model_storage.read_from(resource) as resource_directory:
                    cls._load_custom_dictionary(str(resource_directory))
            except ValueError:
                logger.debug(f"Failed to load {cls.__name__} from model storage. Resource '{resource.name}' doesn't exist.")
        return cls(config, model_storage, resource)
