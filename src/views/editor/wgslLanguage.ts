// WGSL highlighting for CodeMirror: a small stream tokenizer of our own (keywords, types,
// attributes, builtins, numbers, comments). Chosen over @iizukak/codemirror-lang-wgsl (a Lezer
// grammar, 0.x, pulling in the whole `codemirror` meta package): highlighting needs no parse
// tree here — the compiler and the checker judge the code — and this stays a few lines.
import { StreamLanguage, type StreamParser } from '@codemirror/language';

const KEYWORDS = new Set(
  'alias break case const const_assert continue continuing default diagnostic discard else enable fn for if let loop override requires return struct switch var while true false'.split(
    ' ',
  ),
);
const TYPES = /^(?:bool|f16|f32|i32|u32|vec[234][fhiu]?|mat[234]x[234][fh]?|array|atomic|ptr|sampler|texture_\w+|subgroup_matrix_\w+)$/;
const ADDRESS = new Set(['function', 'private', 'workgroup', 'uniform', 'storage', 'read', 'write', 'read_write']);
const BUILTINS =
  /^(?:workgroupBarrier|storageBarrier|textureBarrier|workgroupUniformLoad|atomic\w+|subgroup\w+|quad\w+|select|arrayLength|abs|min|max|clamp|dot|fma|mix|sqrt|inverseSqrt|exp2?|log2?|pow|floor|ceil|round|trunc|fract|sign|step|smoothstep|length|normalize|cross|distance|bitcast|countOneBits|countLeadingZeros|countTrailingZeros|firstLeadingBit|firstTrailingBit|extractBits|insertBits|reverseBits|pack\w+|unpack\w+|dot4[IU]8Packed|sin|cos|tan|asin|acos|atan2?|sinh|cosh|tanh|all|any|transpose|determinant)$/;

interface WgslState {
  blockDepth: number;
}

const parser: StreamParser<WgslState> = {
  name: 'wgsl',
  startState: () => ({ blockDepth: 0 }),
  token(stream, state) {
    if (state.blockDepth > 0) {
      while (!stream.eol()) {
        if (stream.match('/*')) state.blockDepth++;
        else if (stream.match('*/')) {
          if (--state.blockDepth === 0) break;
        } else stream.next();
      }
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.blockDepth = 1;
      return 'comment';
    }
    if (stream.match(/^@\s*[A-Za-z_]\w*/)) return 'meta';
    if (stream.match(/^(?:0[xX][0-9a-fA-F]+[iu]?|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[fhiu]?)/)) return 'number';
    const word = stream.match(/^[A-Za-z_]\w*/) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) return w === 'true' || w === 'false' ? 'bool' : 'keyword';
      if (TYPES.test(w)) return 'typeName';
      if (ADDRESS.has(w)) return 'modifier';
      if (BUILTINS.test(w)) return 'builtin';
      return 'variableName';
    }
    if (stream.match(/^(?:->|[-+*/%&|^!=<>]=?|&&|\|\||<<|>>|\+\+|--)/)) return 'operator';
    stream.next();
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } }, closeBrackets: { brackets: ['(', '[', '{'] } },
};

export const wgsl = StreamLanguage.define(parser);
