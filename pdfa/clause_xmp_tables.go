package pdfa

import "strings"

// structType is an XMP structure: its fields' namespace and value types.
type structType struct {
	ns     string
	fields map[string]string
}

// schemaSpec lists a schema as "name Type; name Type; ...".
func schemaSpec(s string) map[string]string {
	m := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.IndexByte(part, ' ')
		m[part[:i]] = strings.TrimSpace(part[i+1:])
	}
	return m
}

const (
	nsDM   = "http://ns.adobe.com/xmp/1.0/DynamicMedia/"
	nsExif = "http://ns.adobe.com/exif/1.0/"
)

// predefined are the schemas of the XMP Specification (2005) that
// ISO 19005-2 6.6.2.3.1 admits without an extension schema.
var predefined = map[string]map[string]string{
	"http://purl.org/dc/elements/1.1/": schemaSpec(`contributor Bag ProperName; coverage Text;
		creator Seq ProperName; date Seq Date; description Lang Alt; format MIMEType; identifier Text;
		language Bag Locale; publisher Bag ProperName; relation Bag Text; rights Lang Alt; source Text;
		subject Bag Text; title Lang Alt; type Bag Text`),
	"http://ns.adobe.com/xap/1.0/": schemaSpec(`Advisory Bag XPath; BaseURL URL; CreateDate Date;
		CreatorTool AgentName; Identifier Bag Text; Label Text; MetadataDate Date; ModifyDate Date;
		Nickname Text; Rating Real; Thumbnails Alt Thumbnail`),
	"http://ns.adobe.com/xap/1.0/rights/": schemaSpec(`Certificate URL; Marked Boolean;
		Owner Bag ProperName; UsageTerms Lang Alt; WebStatement URL`),
	"http://ns.adobe.com/xap/1.0/mm/": schemaSpec(`DerivedFrom ResourceRef; DocumentID URI;
		History Seq ResourceEvent; InstanceID URI; LastURL URL; ManagedFrom ResourceRef;
		Manager AgentName; ManageTo URI; ManageUI URI; ManagerVariant Text; RenditionClass RenditionClass;
		RenditionParams Text; RenditionOf ResourceRef; SaveID Integer; VersionID Text; Versions Seq Version`),
	"http://ns.adobe.com/xap/1.0/bj/":   schemaSpec(`JobRef Bag Job`),
	"http://ns.adobe.com/xap/1.0/t/pg/": schemaSpec(`MaxPageSize Dimensions; NPages Integer; Fonts Bag Font; Colorants Seq Colorant; PlateNames Seq Text`),
	nsDM: schemaSpec(`projectRef ProjectLink; videoFrameRate Text; videoFrameSize Dimensions;
		videoPixelAspectRatio Rational; videoPixelDepth Text; videoColorSpace Text; videoAlphaMode Text;
		videoAlphaPremultipleColor Colorant; videoAlphaUnityIsTransparent Boolean; videoCompressor Text;
		videoFieldOrder Text; pullDown Text; audioSampleRate Integer; audioSampleType Text;
		audioChannelType Text; audioCompressor Text; speakerPlacement Text; fileDataRate Rational;
		tapeName Text; altTapeName Text; startTimecode Timecode; altTimecode Timecode; duration Time;
		scene Text; shotName Text; shotDate Date; shotLocation Text; logComment Text; markers Seq Marker;
		contributedMedia Bag Media; absPeakAudioFilePath URI; relativePeakAudioFilePath URI;
		videoModDate Date; audioModDate Date; metadataModDate Date; artist Text; album Text;
		trackNumber Integer; genre Text; copyright Text; releaseDate Date; composer Text; engineer Text;
		tempo Real; instrument Text; introTime Time; outCue Time; relativeTimestamp Time; loop Boolean;
		numberOfBeats Real; key Text; stretchMode Text; timeScaleParams TimeScaleStretch;
		resampleParams ResampleStretch; beatSpliceParams BeatSpliceStretch; timeSignature Text; scaleType Text`),
	"http://ns.adobe.com/pdf/1.3/": schemaSpec(`Keywords Text; PDFVersion Text; Producer AgentName; Trapped Text`),
	"http://ns.adobe.com/photoshop/1.0/": schemaSpec(`AuthorsPosition Text; CaptionWriter ProperName;
		Category Text; City Text; Country Text; Credit Text; DateCreated Date; Headline Text;
		Instructions Text; Source Text; State Text; SupplementalCategories Bag Text;
		TransmissionReference Text; Urgency Integer; ColorMode Integer; ICCProfile Text; History Text`),
	"http://ns.adobe.com/camera-raw-settings/1.0/": schemaSpec(`AutoBrightness Boolean; AutoContrast Boolean;
		AutoExposure Boolean; AutoShadows Boolean; BlueHue Integer; BlueSaturation Integer; Brightness Integer;
		CameraProfile Text; ChromaticAberrationB Integer; ChromaticAberrationR Integer;
		ColorNoiseReduction Integer; Contrast Integer; CropTop Real; CropLeft Real; CropBottom Real;
		CropRight Real; CropAngle Real; CropWidth Real; CropHeight Real; CropUnits Integer; Exposure Real;
		GreenHue Integer; GreenSaturation Integer; HasCrop Boolean; HasSettings Boolean;
		LuminanceSmoothing Integer; RawFileName Text; RedHue Integer; RedSaturation Integer;
		Saturation Integer; Shadows Integer; ShadowTint Integer; Sharpness Integer; Temperature Integer;
		Tint Integer; ToneCurve Seq Text; ToneCurveName Text; Version Text; VignetteAmount Integer;
		VignetteMidpoint Integer; WhiteBalance Text`),
	"http://ns.adobe.com/tiff/1.0/": schemaSpec(`ImageWidth Integer; ImageLength Integer;
		BitsPerSample Seq Integer; Compression Integer; PhotometricInterpretation Integer;
		Orientation Integer; SamplesPerPixel Integer; PlanarConfiguration Integer;
		YCbCrSubSampling Seq Integer; YCbCrPositioning Integer; XResolution Rational;
		YResolution Rational; ResolutionUnit Integer; TransferFunction Seq Integer;
		WhitePoint Seq Rational; PrimaryChromaticities Seq Rational; YCbCrCoefficients Seq Rational;
		ReferenceBlackWhite Seq Rational; DateTime Date; ImageDescription Lang Alt; Make ProperName;
		Model ProperName; Software AgentName; Artist ProperName; Copyright Lang Alt`),
	nsExif: schemaSpec(`ExifVersion Text; FlashpixVersion Text; ColorSpace Integer;
		ComponentsConfiguration Seq Integer; CompressedBitsPerPixel Rational; PixelXDimension Integer;
		PixelYDimension Integer; UserComment Lang Alt; RelatedSoundFile Text; DateTimeOriginal Date;
		DateTimeDigitized Date; ExposureTime Rational; FNumber Rational; ExposureProgram Integer;
		SpectralSensitivity Text; ISOSpeedRatings Seq Integer; OECF OECF_SFR; ShutterSpeedValue Rational;
		ApertureValue Rational; BrightnessValue Rational; ExposureBiasValue Rational;
		MaxApertureValue Rational; SubjectDistance Rational; MeteringMode Integer; LightSource Integer;
		Flash Flash; FocalLength Rational; SubjectArea Seq Integer; FlashEnergy Rational;
		SpatialFrequencyResponse OECF_SFR; FocalPlaneXResolution Rational; FocalPlaneYResolution Rational;
		FocalPlaneResolutionUnit Integer; SubjectLocation Seq Integer; ExposureIndex Rational;
		SensingMethod Integer; FileSource Integer; SceneType Integer; CFAPattern CFAPattern;
		CustomRendered Integer; ExposureMode Integer; WhiteBalance Integer; DigitalZoomRatio Rational;
		FocalLengthIn35mmFilm Integer; SceneCaptureType Integer; GainControl Integer; Contrast Integer;
		Saturation Integer; Sharpness Integer; DeviceSettingDescription DeviceSettings;
		SubjectDistanceRange Integer; ImageUniqueID Text; GPSVersionID Text; GPSLatitude GPSCoordinate;
		GPSLongitude GPSCoordinate; GPSAltitudeRef Integer; GPSAltitude Rational; GPSTimeStamp Date;
		GPSSatellites Text; GPSStatus Text; GPSMeasureMode Text; GPSDOP Rational; GPSSpeedRef Text;
		GPSSpeed Rational; GPSTrackRef Text; GPSTrack Rational; GPSImgDirectionRef Text;
		GPSImgDirection Rational; GPSMapDatum Text; GPSDestLatitude GPSCoordinate;
		GPSDestLongitude GPSCoordinate; GPSDestBearingRef Text; GPSDestBearing Rational;
		GPSDestDistanceRef Text; GPSDestDistance Rational; GPSProcessingMethod Text;
		GPSAreaInformation Text; GPSDifferential Integer`),
	"http://ns.adobe.com/exif/1.0/aux/": schemaSpec(`Lens Text; SerialNumber Text`),
}

// structTypes are the structure value types of the XMP Specification.
var structTypes = map[string]structType{
	"Dimensions": {"http://ns.adobe.com/xap/1.0/sType/Dimensions#", schemaSpec(`w Real; h Real; unit Text`)},
	"ResourceRef": {"http://ns.adobe.com/xap/1.0/sType/ResourceRef#", schemaSpec(`instanceID URI;
		documentID URI; versionID Text; renditionClass RenditionClass; renditionParams Text;
		manager AgentName; managerVariant Text; manageTo URI; manageUI URI`)},
	"ResourceEvent": {"http://ns.adobe.com/xap/1.0/sType/ResourceEvent#", schemaSpec(`action Text;
		instanceID URI; parameters Text; softwareAgent AgentName; when Date; changed Text`)},
	"Version": {"http://ns.adobe.com/xap/1.0/sType/Version#", schemaSpec(`comments Text;
		event ResourceEvent; modifyDate Date; modifier ProperName; version Text`)},
	"Job":       {"http://ns.adobe.com/xap/1.0/sType/Job#", schemaSpec(`name Text; id Text; url URL`)},
	"Thumbnail": {"http://ns.adobe.com/xap/1.0/g/img/", schemaSpec(`height Integer; width Integer; format Text; image Text`)},
	"Font": {"http://ns.adobe.com/xap/1.0/sType/Font#", schemaSpec(`fontName Text; fontFamily Text;
		fontFace Text; fontType Text; versionString Text; composite Boolean; fontFileName Text;
		childFontFiles Seq Text`)},
	"Colorant": {"http://ns.adobe.com/xap/1.0/g/", schemaSpec(`swatchName Text; mode Text; type Text;
		cyan Real; magenta Real; yellow Real; black Real; red Integer; green Integer; blue Integer;
		L Real; A Integer; B Integer`)},
	"ProjectLink": {nsDM, schemaSpec(`type Text; path URI`)},
	"Time":        {nsDM, schemaSpec(`value Integer; scale Rational`)},
	"Timecode":    {nsDM, schemaSpec(`timeValue Text; timeFormat Text`)},
	"Marker": {nsDM, schemaSpec(`startTime Time; duration Time; comment Text; name Text; location URI;
		target Text; type Text`)},
	"Media": {nsDM, schemaSpec(`path URI; track Text; startTime Time; duration Time; managed Boolean;
		webStatement URI`)},
	"BeatSpliceStretch": {nsDM, schemaSpec(`useFileBeatsMarker Boolean; riseInDecibel Real; riseInTimeDuration Time`)},
	"ResampleStretch":   {nsDM, schemaSpec(`quality Text`)},
	"TimeScaleStretch":  {nsDM, schemaSpec(`quality Text; frameSize Real; frameOverlappingPercentage Real`)},
	"Flash": {nsExif, schemaSpec(`Fired Boolean; Return Integer; Mode Integer; Function Boolean;
		RedEyeMode Boolean`)},
	"OECF_SFR":       {nsExif, schemaSpec(`Columns Integer; Rows Integer; Names Seq Text; Values Seq Rational`)},
	"CFAPattern":     {nsExif, schemaSpec(`Columns Integer; Rows Integer; Values Seq Integer`)},
	"DeviceSettings": {nsExif, schemaSpec(`Columns Integer; Rows Integer; Settings Seq Text`)},
}
