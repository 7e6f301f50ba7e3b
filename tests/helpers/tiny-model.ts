/**
 * A tiny BERT-shaped sentence-embedding model written by the test itself (no download): the
 * folder transformers.js reads (`config.json`, `tokenizer.json`, `tokenizer_config.json`,
 * `onnx/model.onnx`). The ONNX graph is one `Gather` of a [vocab, hidden] embedding table by
 * `input_ids`, giving `last_hidden_state` [batch, seq, hidden]; `attention_mask` is an input the
 * pipeline passes and the pooling uses. The protobuf is hand-encoded below (the few fields of
 * onnx.proto3 it needs), so the expected vectors are known exactly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The vocabulary, in id order. */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'disk',
  'full',
  'cert',
  '##ificate',
  'expired',
  'mysql',
  'lag'
] as const;

export const TINY_HIDDEN = 4;

/** Row `id` of the embedding table: deterministic small numbers. */
export function tinyEmbedding(id: number): number[] {
  return Array.from({ length: TINY_HIDDEN }, (_, j) => ((id * 7 + j * 3) % 11) / 10 - 0.3);
}

// --- a minimal protobuf writer ---------------------------------------------------------------

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

type Field = number[];
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): Field => [...key(field, 0), ...varint(value)];
const bytes = (field: number, data: Uint8Array | number[]): Field => [
  ...key(field, 2),
  ...varint(data.length),
  ...data
];
const str = (field: number, text: string) => bytes(field, [...new TextEncoder().encode(text)]);
const msg = (field: number, ...fields: Field[]) => bytes(field, fields.flat());

const FLOAT = 1;
const INT64 = 7;

function dim(name: string | number): Field {
  return typeof name === 'number' ? msg(1, int(1, name)) : msg(1, str(2, name));
}

function valueInfo(field: number, name: string, elemType: number, dims: (string | number)[]) {
  // ValueInfoProto { name = 1; type = 2 } / TypeProto { tensor_type = 1 } /
  // Tensor { elem_type = 1; shape = 2 } / TensorShapeProto { dim = 1 }
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...dims.map(dim)))));
}

/** The ONNX model bytes. */
export function tinyOnnxModel(): Uint8Array {
  const table = new Float32Array(TINY_VOCAB.length * TINY_HIDDEN);
  TINY_VOCAB.forEach((_, id) => table.set(tinyEmbedding(id), id * TINY_HIDDEN));
  // TensorProto { dims = 1; data_type = 2; name = 8; raw_data = 9 }
  const initializer = msg(
    5,
    int(1, TINY_VOCAB.length),
    int(1, TINY_HIDDEN),
    int(2, FLOAT),
    str(8, 'embeddings'),
    bytes(9, new Uint8Array(table.buffer))
  );
  // NodeProto { input = 1; output = 2; name = 3; op_type = 4; attribute = 5 }
  // AttributeProto { name = 1; i = 3; type = 20 (INT = 2) }
  const node = msg(
    1,
    str(1, 'embeddings'),
    str(1, 'input_ids'),
    str(2, 'last_hidden_state'),
    str(3, 'gather'),
    str(4, 'Gather'),
    msg(5, str(1, 'axis'), int(3, 0), int(20, 2))
  );
  // GraphProto { node = 1; name = 2; initializer = 5; input = 11; output = 12 }
  const graph = msg(
    7,
    node,
    str(2, 'tiny-bert'),
    initializer,
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', TINY_HIDDEN])
  );
  // ModelProto { ir_version = 1; producer_name = 2; graph = 7; opset_import = 8 }
  // OperatorSetIdProto { domain = 1; version = 2 }
  const model = [int(1, 8), str(2, 'runboard-test'), graph, msg(8, str(1, ''), int(2, 13))].flat();
  return Uint8Array.from(model);
}

/** Writes the model folder `dir` (created). */
export function writeTinyModel(dir: string): void {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyOnnxModel());
  const vocab = Object.fromEntries(TINY_VOCAB.map((token, id) => [token, id]));
  const special = (id: number) => ({
    id,
    content: TINY_VOCAB[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [0, 1, 2, 3, 4].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } }
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } }
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] }
      }
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab
    }
  };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]'
    })
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: TINY_HIDDEN,
      vocab_size: TINY_VOCAB.length,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      max_position_embeddings: 512
    })
  );
}
