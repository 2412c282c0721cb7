// Generated from the zod schemas by scripts/lib/validators.ts. Do not edit: `npm run generate:validators`
// rewrites it, and scripts/validators.test.ts fails when it is stale.
/* eslint-disable */
import { isIanaTimezone } from './timezone';
import { isPlainText } from './text';
import { util as zodUtil } from 'zod/v4/core';
export const isMetricEventInput = validate10;
const schema11 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    eventId: {
      type: 'string',
      format: 'uuid',
      pattern:
        '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
    },
    userId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._@:-]+$' },
    sessionId: {
      type: 'string',
      format: 'uuid',
      pattern:
        '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
    },
    deviceId: { type: 'string', minLength: 1, maxLength: 128, isPlainText: true },
    talkedTimeMs: { type: 'integer', minimum: 0, maximum: 86400000 },
    microphoneUsed: { type: 'boolean' },
    speakerUsed: { type: 'boolean' },
    voiceSentiment: {
      anyOf: [
        { type: 'number', minimum: -1, maximum: 1 },
        { type: 'string', enum: ['negative', 'neutral', 'positive'] },
      ],
    },
    recordedAt: {
      type: 'string',
      format: 'date-time',
      pattern:
        '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$',
    },
    timezone: { type: 'string', maxLength: 64, isIanaTimezone: true },
    platform: { type: 'string', minLength: 1, maxLength: 32, isPlainText: true },
    appVersion: { type: 'string', minLength: 1, maxLength: 32, isPlainText: true },
    participant: { type: 'string', minLength: 1, maxLength: 64, isPlainText: true },
    counterpart: { type: 'boolean' },
  },
  required: ['eventId', 'talkedTimeMs', 'microphoneUsed', 'speakerUsed', 'voiceSentiment', 'recordedAt'],
  additionalProperties: false,
};
const func2 = Object.prototype.hasOwnProperty;
const func3 = zodUtil.codePointLength;
const func7 = isPlainText;
const func9 = isIanaTimezone;
const pattern0 = new RegExp(
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
  '',
);
const pattern1 = new RegExp('^[A-Za-z0-9._@:-]+$', '');
const pattern3 = new RegExp(
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$',
  '',
);
function validate10(data, { instancePath = '', parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (errors === 0) {
    if (data && typeof data == 'object' && !Array.isArray(data)) {
      let missing0;
      if (
        (data.eventId === undefined && (missing0 = 'eventId')) ||
        (data.talkedTimeMs === undefined && (missing0 = 'talkedTimeMs')) ||
        (data.microphoneUsed === undefined && (missing0 = 'microphoneUsed')) ||
        (data.speakerUsed === undefined && (missing0 = 'speakerUsed')) ||
        (data.voiceSentiment === undefined && (missing0 = 'voiceSentiment')) ||
        (data.recordedAt === undefined && (missing0 = 'recordedAt'))
      ) {
        return false;
      } else {
        const _errs1 = errors;
        for (const key0 in data) {
          if (!func2.call(schema11.properties, key0)) {
            return false;
            break;
          }
        }
        if (_errs1 === errors) {
          if (data.eventId !== undefined) {
            let data0 = data.eventId;
            const _errs2 = errors;
            if (errors === _errs2) {
              if (errors === _errs2) {
                if (typeof data0 === 'string') {
                  if (!pattern0.test(data0)) {
                    return false;
                  }
                } else {
                  return false;
                }
              }
            }
            var valid0 = _errs2 === errors;
          } else {
            var valid0 = true;
          }
          if (valid0) {
            if (data.userId !== undefined) {
              let data1 = data.userId;
              const _errs4 = errors;
              if (errors === _errs4) {
                if (typeof data1 === 'string') {
                  if (func3(data1) > 128) {
                    return false;
                  } else {
                    if (func3(data1) < 1) {
                      return false;
                    } else {
                      if (!pattern1.test(data1)) {
                        return false;
                      }
                    }
                  }
                } else {
                  return false;
                }
              }
              var valid0 = _errs4 === errors;
            } else {
              var valid0 = true;
            }
            if (valid0) {
              if (data.sessionId !== undefined) {
                let data2 = data.sessionId;
                const _errs6 = errors;
                if (errors === _errs6) {
                  if (errors === _errs6) {
                    if (typeof data2 === 'string') {
                      if (!pattern0.test(data2)) {
                        return false;
                      }
                    } else {
                      return false;
                    }
                  }
                }
                var valid0 = _errs6 === errors;
              } else {
                var valid0 = true;
              }
              if (valid0) {
                if (data.deviceId !== undefined) {
                  let data3 = data.deviceId;
                  const _errs8 = errors;
                  if (errors === _errs8) {
                    if (typeof data3 === 'string') {
                      if (func3(data3) > 128) {
                        return false;
                      } else {
                        if (func3(data3) < 1) {
                          return false;
                        } else {
                          if (!func7(data3)) {
                            return false;
                          }
                        }
                      }
                    } else {
                      return false;
                    }
                  }
                  var valid0 = _errs8 === errors;
                } else {
                  var valid0 = true;
                }
                if (valid0) {
                  if (data.talkedTimeMs !== undefined) {
                    let data4 = data.talkedTimeMs;
                    const _errs10 = errors;
                    if (!(typeof data4 == 'number' && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
                      return false;
                    }
                    if (errors === _errs10) {
                      if (typeof data4 == 'number' && isFinite(data4)) {
                        if (data4 > 86400000 || isNaN(data4)) {
                          return false;
                        } else {
                          if (data4 < 0 || isNaN(data4)) {
                            return false;
                          }
                        }
                      }
                    }
                    var valid0 = _errs10 === errors;
                  } else {
                    var valid0 = true;
                  }
                  if (valid0) {
                    if (data.microphoneUsed !== undefined) {
                      const _errs12 = errors;
                      if (typeof data.microphoneUsed !== 'boolean') {
                        return false;
                      }
                      var valid0 = _errs12 === errors;
                    } else {
                      var valid0 = true;
                    }
                    if (valid0) {
                      if (data.speakerUsed !== undefined) {
                        const _errs14 = errors;
                        if (typeof data.speakerUsed !== 'boolean') {
                          return false;
                        }
                        var valid0 = _errs14 === errors;
                      } else {
                        var valid0 = true;
                      }
                      if (valid0) {
                        if (data.voiceSentiment !== undefined) {
                          let data7 = data.voiceSentiment;
                          const _errs16 = errors;
                          const _errs17 = errors;
                          let valid1 = false;
                          const _errs18 = errors;
                          if (errors === _errs18) {
                            if (typeof data7 == 'number' && isFinite(data7)) {
                              if (data7 > 1 || isNaN(data7)) {
                                errors++;
                              } else {
                                if (data7 < -1 || isNaN(data7)) {
                                  errors++;
                                }
                              }
                            } else {
                              errors++;
                            }
                          }
                          var _valid0 = _errs18 === errors;
                          valid1 = valid1 || _valid0;
                          if (!valid1) {
                            const _errs20 = errors;
                            if (typeof data7 !== 'string') {
                              errors++;
                            }
                            if (!(data7 === 'negative' || data7 === 'neutral' || data7 === 'positive')) {
                              errors++;
                            }
                            var _valid0 = _errs20 === errors;
                            valid1 = valid1 || _valid0;
                          }
                          if (!valid1) {
                            errors++;
                            return false;
                          } else {
                            errors = _errs17;
                            if (vErrors !== null) {
                              if (_errs17) {
                                vErrors.length = _errs17;
                              } else {
                                vErrors = null;
                              }
                            }
                          }
                          var valid0 = _errs16 === errors;
                        } else {
                          var valid0 = true;
                        }
                        if (valid0) {
                          if (data.recordedAt !== undefined) {
                            let data8 = data.recordedAt;
                            const _errs22 = errors;
                            if (errors === _errs22) {
                              if (errors === _errs22) {
                                if (typeof data8 === 'string') {
                                  if (!pattern3.test(data8)) {
                                    return false;
                                  }
                                } else {
                                  return false;
                                }
                              }
                            }
                            var valid0 = _errs22 === errors;
                          } else {
                            var valid0 = true;
                          }
                          if (valid0) {
                            if (data.timezone !== undefined) {
                              let data9 = data.timezone;
                              const _errs24 = errors;
                              if (errors === _errs24) {
                                if (typeof data9 === 'string') {
                                  if (func3(data9) > 64) {
                                    return false;
                                  } else {
                                    if (!func9(data9)) {
                                      return false;
                                    }
                                  }
                                } else {
                                  return false;
                                }
                              }
                              var valid0 = _errs24 === errors;
                            } else {
                              var valid0 = true;
                            }
                            if (valid0) {
                              if (data.platform !== undefined) {
                                let data10 = data.platform;
                                const _errs26 = errors;
                                if (errors === _errs26) {
                                  if (typeof data10 === 'string') {
                                    if (func3(data10) > 32) {
                                      return false;
                                    } else {
                                      if (func3(data10) < 1) {
                                        return false;
                                      } else {
                                        if (!func7(data10)) {
                                          return false;
                                        }
                                      }
                                    }
                                  } else {
                                    return false;
                                  }
                                }
                                var valid0 = _errs26 === errors;
                              } else {
                                var valid0 = true;
                              }
                              if (valid0) {
                                if (data.appVersion !== undefined) {
                                  let data11 = data.appVersion;
                                  const _errs28 = errors;
                                  if (errors === _errs28) {
                                    if (typeof data11 === 'string') {
                                      if (func3(data11) > 32) {
                                        return false;
                                      } else {
                                        if (func3(data11) < 1) {
                                          return false;
                                        } else {
                                          if (!func7(data11)) {
                                            return false;
                                          }
                                        }
                                      }
                                    } else {
                                      return false;
                                    }
                                  }
                                  var valid0 = _errs28 === errors;
                                } else {
                                  var valid0 = true;
                                }
                                if (valid0) {
                                  if (data.participant !== undefined) {
                                    let data12 = data.participant;
                                    const _errs30 = errors;
                                    if (errors === _errs30) {
                                      if (typeof data12 === 'string') {
                                        if (func3(data12) > 64) {
                                          return false;
                                        } else {
                                          if (func3(data12) < 1) {
                                            return false;
                                          } else {
                                            if (!func7(data12)) {
                                              return false;
                                            }
                                          }
                                        }
                                      } else {
                                        return false;
                                      }
                                    }
                                    var valid0 = _errs30 === errors;
                                  } else {
                                    var valid0 = true;
                                  }
                                  if (valid0) {
                                    if (data.counterpart !== undefined) {
                                      const _errs32 = errors;
                                      if (typeof data.counterpart !== 'boolean') {
                                        return false;
                                      }
                                      var valid0 = _errs32 === errors;
                                    } else {
                                      var valid0 = true;
                                    }
                                  }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    } else {
      return false;
    }
  }
  validate10.errors = vErrors;
  return errors === 0;
}
