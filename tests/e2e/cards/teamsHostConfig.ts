/**
 * A host config resembling Teams' light theme (Segoe UI, Teams purple accent, its text sizes and spacings): what
 * the adaptivecards renderer needs to draw a card roughly as Teams does. Phones get vertical, full-width buttons,
 * as the Teams mobile clients show them.
 */
export function teamsHostConfig(width: number): Record<string, unknown> {
  const phone = width < 600;
  return {
    fontFamily: "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif",
    supportsInteractivity: true,
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: '#E0E0E0' },
    fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
    fontWeights: { lighter: 300, default: 400, bolder: 600 },
    imageSizes: { small: 32, medium: 52, large: 100 },
    containerStyles: {
      default: {
        backgroundColor: '#FFFFFF',
        foregroundColors: {
          default: { default: '#242424', subtle: '#616161' },
          accent: { default: '#5B5FC7', subtle: '#6264A7' },
          attention: { default: '#C4314B', subtle: '#C4314B' },
          good: { default: '#237B4B', subtle: '#237B4B' },
          warning: { default: '#835C00', subtle: '#835C00' },
          light: { default: '#FFFFFF', subtle: '#FFFFFF' },
          dark: { default: '#242424', subtle: '#616161' },
        },
      },
      emphasis: {
        backgroundColor: '#F5F5F5',
        foregroundColors: { default: { default: '#242424', subtle: '#616161' }, attention: { default: '#C4314B', subtle: '#C4314B' } },
      },
      attention: { backgroundColor: '#FDF3F4', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, attention: { default: '#C4314B', subtle: '#C4314B' } } },
      good: { backgroundColor: '#F1FAF1', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
      warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
      accent: { backgroundColor: '#EBEBF5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    },
    actions: {
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: 8,
      showCard: { actionMode: 'inline', inlineTopMargin: 16 },
      actionsOrientation: phone ? 'vertical' : 'horizontal',
      actionAlignment: phone ? 'stretch' : 'left',
    },
    adaptiveCard: { allowCustomStyle: true },
    factSet: {
      title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true, maxWidth: phone ? 110 : 180 },
      value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
      spacing: 12,
    },
    inputs: { label: { inputSpacing: 'small', requiredInputs: { suffix: ' *', suffixColor: 'attention' }, optionalInputs: {} }, errorMessage: { size: 'small', spacing: 'small', color: 'attention' } },
  };
}

/** Teams-like button and input styling: the renderer leaves these to the host's CSS. 44 px targets on phones (WCAG 2.5.5). */
export const TEAMS_CSS = `
  body { margin: 0; background: #F5F5F5; }
  #card { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.14); margin: 8px; }
  .ac-pushButton { font: 600 14px 'Segoe UI', sans-serif; min-height: 36px; padding: 4px 12px; border-radius: 4px;
    border: 1px solid #D1D1D1; background: #fff; color: #242424; cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; border-color: #5B5FC7; color: #fff; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-pushButton.expanded { background: #EBEBF5; }
  .ac-input { font: 14px 'Segoe UI', sans-serif; border: 1px solid #D1D1D1; border-radius: 4px; padding: 6px 8px; min-height: 32px; box-sizing: border-box; background: #fff; }
  .ac-input.ac-input-validation-failed { border-color: #C4314B; }
  .ac-textInput.ac-multiline { min-height: 64px; }
  .ac-choiceSetInput-filtered-container { width: 100%; border: 0; padding: 0; }
  .ac-choiceSetInput-filtered-textbox { width: 100%; }
  .ac-choiceSetInput-filtered-dropdown:empty { display: none; }
  .ac-selectable { cursor: pointer; }
  .ac-selectable:hover { background: #F5F5F5; }
  @media (max-width: 600px) {
    .ac-pushButton { min-height: 44px; }
    .ac-input { min-height: 44px; }
    .ac-input-container input[type=checkbox], .ac-input-container input[type=radio] { width: 22px; height: 22px; }
  }
`;
