// Generated from the zod schemas by scripts/lib/validators.ts. Do not edit: `npm run generate:validators`
// rewrites it, and scripts/validators.test.ts fails when it is stale.
/* eslint-disable */
import { util as zodUtil } from 'zod/v4/core';
export const isMetricsJob = validate10;
const schema11 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    events: {
      minItems: 1,
      maxItems: 5000,
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: {
            type: 'string',
            format: 'uuid',
            pattern:
              '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
          },
          userId: { type: 'string', minLength: 1, maxLength: 128 },
          sessionId: {
            type: ['string', 'null'],
            format: 'uuid',
            pattern:
              '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
          },
          deviceId: { type: ['string', 'null'], maxLength: 128 },
          talkedTimeMs: { type: 'integer', minimum: 0, maximum: 86400000 },
          microphoneUsed: { type: 'boolean' },
          speakerUsed: { type: 'boolean' },
          voiceSentiment: { type: 'number', minimum: -1, maximum: 1 },
          voiceSentimentLabel: { type: 'string', enum: ['negative', 'neutral', 'positive'] },
          recordedAt: {
            type: 'string',
            format: 'date-time',
            pattern:
              '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$',
          },
          timezone: { type: ['string', 'null'] },
          platform: { type: ['string', 'null'] },
          appVersion: { type: ['string', 'null'] },
          source: { type: 'string', enum: ['api', 'recording'] },
          recordingId: {
            type: ['string', 'null'],
            format: 'uuid',
            pattern:
              '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
          },
          participant: { default: null, type: ['string', 'null'], maxLength: 64 },
          counterpart: { default: false, type: 'boolean' },
        },
        required: [
          'eventId',
          'userId',
          'sessionId',
          'deviceId',
          'talkedTimeMs',
          'microphoneUsed',
          'speakerUsed',
          'voiceSentiment',
          'voiceSentimentLabel',
          'recordedAt',
          'timezone',
          'platform',
          'appVersion',
          'source',
          'recordingId',
          'participant',
          'counterpart',
        ],
        additionalProperties: false,
      },
    },
    correlationId: { type: 'string', minLength: 1, maxLength: 128 },
  },
  required: ['events', 'correlationId'],
  additionalProperties: false,
};
const func2 = Object.prototype.hasOwnProperty;
const func3 = zodUtil.codePointLength;
const pattern0 = new RegExp(
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
  '',
);
const pattern2 = new RegExp(
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
        (data.events === undefined && (missing0 = 'events')) ||
        (data.correlationId === undefined && (missing0 = 'correlationId'))
      ) {
        return false;
      } else {
        const _errs1 = errors;
        for (const key0 in data) {
          if (!(key0 === 'events' || key0 === 'correlationId')) {
            return false;
            break;
          }
        }
        if (_errs1 === errors) {
          if (data.events !== undefined) {
            let data0 = data.events;
            const _errs2 = errors;
            if (errors === _errs2) {
              if (Array.isArray(data0)) {
                if (data0.length > 5000) {
                  return false;
                } else {
                  if (data0.length < 1) {
                    return false;
                  } else {
                    var valid1 = true;
                    const len0 = data0.length;
                    for (let i0 = 0; i0 < len0; i0++) {
                      let data1 = data0[i0];
                      const _errs4 = errors;
                      if (errors === _errs4) {
                        if (data1 && typeof data1 == 'object' && !Array.isArray(data1)) {
                          let missing1;
                          if (
                            (data1.eventId === undefined && (missing1 = 'eventId')) ||
                            (data1.userId === undefined && (missing1 = 'userId')) ||
                            (data1.sessionId === undefined && (missing1 = 'sessionId')) ||
                            (data1.deviceId === undefined && (missing1 = 'deviceId')) ||
                            (data1.talkedTimeMs === undefined && (missing1 = 'talkedTimeMs')) ||
                            (data1.microphoneUsed === undefined && (missing1 = 'microphoneUsed')) ||
                            (data1.speakerUsed === undefined && (missing1 = 'speakerUsed')) ||
                            (data1.voiceSentiment === undefined && (missing1 = 'voiceSentiment')) ||
                            (data1.voiceSentimentLabel === undefined && (missing1 = 'voiceSentimentLabel')) ||
                            (data1.recordedAt === undefined && (missing1 = 'recordedAt')) ||
                            (data1.timezone === undefined && (missing1 = 'timezone')) ||
                            (data1.platform === undefined && (missing1 = 'platform')) ||
                            (data1.appVersion === undefined && (missing1 = 'appVersion')) ||
                            (data1.source === undefined && (missing1 = 'source')) ||
                            (data1.recordingId === undefined && (missing1 = 'recordingId')) ||
                            (data1.participant === undefined && (missing1 = 'participant')) ||
                            (data1.counterpart === undefined && (missing1 = 'counterpart'))
                          ) {
                            return false;
                          } else {
                            const _errs6 = errors;
                            for (const key1 in data1) {
                              if (!func2.call(schema11.properties.events.items.properties, key1)) {
                                return false;
                                break;
                              }
                            }
                            if (_errs6 === errors) {
                              if (data1.eventId !== undefined) {
                                let data2 = data1.eventId;
                                const _errs7 = errors;
                                if (errors === _errs7) {
                                  if (errors === _errs7) {
                                    if (typeof data2 === 'string') {
                                      if (!pattern0.test(data2)) {
                                        return false;
                                      }
                                    } else {
                                      return false;
                                    }
                                  }
                                }
                                var valid2 = _errs7 === errors;
                              } else {
                                var valid2 = true;
                              }
                              if (valid2) {
                                if (data1.userId !== undefined) {
                                  let data3 = data1.userId;
                                  const _errs9 = errors;
                                  if (errors === _errs9) {
                                    if (typeof data3 === 'string') {
                                      if (func3(data3) > 128) {
                                        return false;
                                      } else {
                                        if (func3(data3) < 1) {
                                          return false;
                                        }
                                      }
                                    } else {
                                      return false;
                                    }
                                  }
                                  var valid2 = _errs9 === errors;
                                } else {
                                  var valid2 = true;
                                }
                                if (valid2) {
                                  if (data1.sessionId !== undefined) {
                                    let data4 = data1.sessionId;
                                    const _errs11 = errors;
                                    if (typeof data4 !== 'string' && data4 !== null) {
                                      return false;
                                    }
                                    if (errors === _errs11) {
                                      if (errors === _errs11) {
                                        if (typeof data4 === 'string') {
                                          if (!pattern0.test(data4)) {
                                            return false;
                                          }
                                        }
                                      }
                                    }
                                    var valid2 = _errs11 === errors;
                                  } else {
                                    var valid2 = true;
                                  }
                                  if (valid2) {
                                    if (data1.deviceId !== undefined) {
                                      let data5 = data1.deviceId;
                                      const _errs13 = errors;
                                      if (typeof data5 !== 'string' && data5 !== null) {
                                        return false;
                                      }
                                      if (errors === _errs13) {
                                        if (typeof data5 === 'string') {
                                          if (func3(data5) > 128) {
                                            return false;
                                          }
                                        }
                                      }
                                      var valid2 = _errs13 === errors;
                                    } else {
                                      var valid2 = true;
                                    }
                                    if (valid2) {
                                      if (data1.talkedTimeMs !== undefined) {
                                        let data6 = data1.talkedTimeMs;
                                        const _errs15 = errors;
                                        if (!(
                                          typeof data6 == 'number' &&
                                          !(data6 % 1) &&
                                          !isNaN(data6) &&
                                          isFinite(data6)
                                        )) {
                                          return false;
                                        }
                                        if (errors === _errs15) {
                                          if (typeof data6 == 'number' && isFinite(data6)) {
                                            if (data6 > 86400000 || isNaN(data6)) {
                                              return false;
                                            } else {
                                              if (data6 < 0 || isNaN(data6)) {
                                                return false;
                                              }
                                            }
                                          }
                                        }
                                        var valid2 = _errs15 === errors;
                                      } else {
                                        var valid2 = true;
                                      }
                                      if (valid2) {
                                        if (data1.microphoneUsed !== undefined) {
                                          const _errs17 = errors;
                                          if (typeof data1.microphoneUsed !== 'boolean') {
                                            return false;
                                          }
                                          var valid2 = _errs17 === errors;
                                        } else {
                                          var valid2 = true;
                                        }
                                        if (valid2) {
                                          if (data1.speakerUsed !== undefined) {
                                            const _errs19 = errors;
                                            if (typeof data1.speakerUsed !== 'boolean') {
                                              return false;
                                            }
                                            var valid2 = _errs19 === errors;
                                          } else {
                                            var valid2 = true;
                                          }
                                          if (valid2) {
                                            if (data1.voiceSentiment !== undefined) {
                                              let data9 = data1.voiceSentiment;
                                              const _errs21 = errors;
                                              if (errors === _errs21) {
                                                if (typeof data9 == 'number' && isFinite(data9)) {
                                                  if (data9 > 1 || isNaN(data9)) {
                                                    return false;
                                                  } else {
                                                    if (data9 < -1 || isNaN(data9)) {
                                                      return false;
                                                    }
                                                  }
                                                } else {
                                                  return false;
                                                }
                                              }
                                              var valid2 = _errs21 === errors;
                                            } else {
                                              var valid2 = true;
                                            }
                                            if (valid2) {
                                              if (data1.voiceSentimentLabel !== undefined) {
                                                let data10 = data1.voiceSentimentLabel;
                                                const _errs23 = errors;
                                                if (typeof data10 !== 'string') {
                                                  return false;
                                                }
                                                if (!(
                                                  data10 === 'negative' ||
                                                  data10 === 'neutral' ||
                                                  data10 === 'positive'
                                                )) {
                                                  return false;
                                                }
                                                var valid2 = _errs23 === errors;
                                              } else {
                                                var valid2 = true;
                                              }
                                              if (valid2) {
                                                if (data1.recordedAt !== undefined) {
                                                  let data11 = data1.recordedAt;
                                                  const _errs25 = errors;
                                                  if (errors === _errs25) {
                                                    if (errors === _errs25) {
                                                      if (typeof data11 === 'string') {
                                                        if (!pattern2.test(data11)) {
                                                          return false;
                                                        }
                                                      } else {
                                                        return false;
                                                      }
                                                    }
                                                  }
                                                  var valid2 = _errs25 === errors;
                                                } else {
                                                  var valid2 = true;
                                                }
                                                if (valid2) {
                                                  if (data1.timezone !== undefined) {
                                                    let data12 = data1.timezone;
                                                    const _errs27 = errors;
                                                    if (typeof data12 !== 'string' && data12 !== null) {
                                                      return false;
                                                    }
                                                    var valid2 = _errs27 === errors;
                                                  } else {
                                                    var valid2 = true;
                                                  }
                                                  if (valid2) {
                                                    if (data1.platform !== undefined) {
                                                      let data13 = data1.platform;
                                                      const _errs29 = errors;
                                                      if (typeof data13 !== 'string' && data13 !== null) {
                                                        return false;
                                                      }
                                                      var valid2 = _errs29 === errors;
                                                    } else {
                                                      var valid2 = true;
                                                    }
                                                    if (valid2) {
                                                      if (data1.appVersion !== undefined) {
                                                        let data14 = data1.appVersion;
                                                        const _errs31 = errors;
                                                        if (typeof data14 !== 'string' && data14 !== null) {
                                                          return false;
                                                        }
                                                        var valid2 = _errs31 === errors;
                                                      } else {
                                                        var valid2 = true;
                                                      }
                                                      if (valid2) {
                                                        if (data1.source !== undefined) {
                                                          let data15 = data1.source;
                                                          const _errs33 = errors;
                                                          if (typeof data15 !== 'string') {
                                                            return false;
                                                          }
                                                          if (!(data15 === 'api' || data15 === 'recording')) {
                                                            return false;
                                                          }
                                                          var valid2 = _errs33 === errors;
                                                        } else {
                                                          var valid2 = true;
                                                        }
                                                        if (valid2) {
                                                          if (data1.recordingId !== undefined) {
                                                            let data16 = data1.recordingId;
                                                            const _errs35 = errors;
                                                            if (
                                                              typeof data16 !== 'string' &&
                                                              data16 !== null
                                                            ) {
                                                              return false;
                                                            }
                                                            if (errors === _errs35) {
                                                              if (errors === _errs35) {
                                                                if (typeof data16 === 'string') {
                                                                  if (!pattern0.test(data16)) {
                                                                    return false;
                                                                  }
                                                                }
                                                              }
                                                            }
                                                            var valid2 = _errs35 === errors;
                                                          } else {
                                                            var valid2 = true;
                                                          }
                                                          if (valid2) {
                                                            if (data1.participant !== undefined) {
                                                              let data17 = data1.participant;
                                                              const _errs37 = errors;
                                                              if (
                                                                typeof data17 !== 'string' &&
                                                                data17 !== null
                                                              ) {
                                                                return false;
                                                              }
                                                              if (errors === _errs37) {
                                                                if (typeof data17 === 'string') {
                                                                  if (func3(data17) > 64) {
                                                                    return false;
                                                                  }
                                                                }
                                                              }
                                                              var valid2 = _errs37 === errors;
                                                            } else {
                                                              var valid2 = true;
                                                            }
                                                            if (valid2) {
                                                              if (data1.counterpart !== undefined) {
                                                                const _errs39 = errors;
                                                                if (typeof data1.counterpart !== 'boolean') {
                                                                  return false;
                                                                }
                                                                var valid2 = _errs39 === errors;
                                                              } else {
                                                                var valid2 = true;
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
                              }
                            }
                          }
                        } else {
                          return false;
                        }
                      }
                      var valid1 = _errs4 === errors;
                      if (!valid1) {
                        break;
                      }
                    }
                  }
                }
              } else {
                return false;
              }
            }
            var valid0 = _errs2 === errors;
          } else {
            var valid0 = true;
          }
          if (valid0) {
            if (data.correlationId !== undefined) {
              let data19 = data.correlationId;
              const _errs41 = errors;
              if (errors === _errs41) {
                if (typeof data19 === 'string') {
                  if (func3(data19) > 128) {
                    return false;
                  } else {
                    if (func3(data19) < 1) {
                      return false;
                    }
                  }
                } else {
                  return false;
                }
              }
              var valid0 = _errs41 === errors;
            } else {
              var valid0 = true;
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
